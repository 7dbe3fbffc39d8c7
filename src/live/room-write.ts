import type { Namespace } from 'socket.io';
import * as ws from 'ws';

// Sender.frame is not in ws's typings; socket.io-adapter calls it the same way.
const { Sender } = ws as unknown as { Sender: { frame(data: Buffer, options: object): Buffer[] } };

/** Socket.IO's packet type of an event (socket.io-parser's PacketType.EVENT). */
const EVENT_PACKET = 2;

/** One server -> client event: its name and its one argument. */
export interface OutgoingEvent {
  event: string;
  data: object;
}

/** What this file uses of Socket.IO's in-memory adapter and engine sockets (not in their typings). */
interface LocalAdapter {
  rooms: Map<string, Set<string>>;
  encoder: { encode(packet: object): unknown[] };
}
interface EngineTransport {
  name: string;
  perMessageDeflate?: unknown;
}
interface ClientWriter {
  conn: { transport: EngineTransport };
  _packet(encoded: unknown[], options: object): void;
}

/**
 * Several events to every socket of one room on this instance, with one write per socket: each
 * event is encoded once (its own Socket.IO packet, one argument, as a single emit would send it) and
 * the WebSocket frames of all of them are laid end to end once, then handed to each WebSocket
 * connection as one pre-encoded write, the way Socket.IO's own broadcast hands it one frame. A
 * client receives exactly the packets of the same emits in a row; the server pays one socket write
 * (and one write completion) per socket instead of one per event. A socket on another transport
 * (HTTP long-polling, or a compressed WebSocket) gets the packets one by one.
 *
 * Only for the in-memory adapter: returns false (nothing sent) when an event does not encode as one
 * text packet, so the caller emits the usual way.
 */
export function writeEventsToRoom(namespace: Namespace, room: string, events: OutgoingEvent[]): boolean {
  const adapter = namespace.adapter as unknown as LocalAdapter;
  const packets = events.map(({ event, data }) =>
    adapter.encoder.encode({ type: EVENT_PACKET, data: [event, data], nsp: namespace.name }),
  );
  if (!packets.every((encoded) => encoded.length === 1 && typeof encoded[0] === 'string')) return false;
  const texts = packets.map((encoded) => encoded[0] as string);
  const frames = Buffer.concat(texts.flatMap((text) => webSocketTextFrame(`4${text}`)));
  const oneWrite = { preEncoded: true, wsPreEncodedFrame: [frames] };
  const oneByOne = { preEncoded: true };
  for (const id of adapter.rooms.get(room) ?? []) {
    const client = namespace.sockets.get(id)?.client as unknown as ClientWriter | undefined;
    if (!client) continue;
    const transport = client.conn.transport;
    if (transport.name === 'websocket' && !transport.perMessageDeflate) {
      // The engine writes the pre-encoded frames as they are; the packet's text only names it.
      client._packet([texts[0]], oneWrite);
    } else {
      client._packet(texts, oneByOne);
    }
  }
  return true;
}

/**
 * An unmasked, unfragmented WebSocket text frame, built by ws (the library under Engine.IO), as
 * Socket.IO's own adapter builds the frame it pre-encodes for a broadcast. The "4" before the
 * text is Engine.IO's message type.
 */
function webSocketTextFrame(text: string): Buffer[] {
  return Sender.frame(Buffer.from(text), { readOnly: false, mask: false, rsv1: false, opcode: 1, fin: true });
}
