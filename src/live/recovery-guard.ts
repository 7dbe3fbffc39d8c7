import { AuthUser } from '../auth/auth-user';

/** What a Socket.IO adapter restores for a reconnecting client (socket.io-adapter's Session). */
interface RestoredSession {
  rooms: string[];
  data: { user?: AuthUser };
}

interface SessionAdapter {
  restoreSession(pid: string, offset: string): Promise<RestoredSession | null>;
}

/**
 * Socket.IO replays a recovering client's missed packets as soon as its session is restored,
 * before the middlewares check the new handshake. So whether a session may recover is decided
 * here, where it is restored: `mayRecover` sees the session's user and rooms, and a refused session
 * connects fresh instead (the client rejoins and gets a snapshot, or is refused there).
 * Works for the in-memory adapter and the Redis Streams adapter alike (both restore by pid).
 */
export function guardSessionRecovery(
  adapter: SessionAdapter,
  mayRecover: (session: RestoredSession) => Promise<boolean>,
): void {
  const restore = adapter.restoreSession.bind(adapter);
  adapter.restoreSession = async (pid, offset) => {
    const session = await restore(pid, offset);
    return session && (await mayRecover(session)) ? session : null;
  };
}
