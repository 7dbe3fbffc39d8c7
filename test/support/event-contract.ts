import Ajv, { ValidateFunction } from 'ajv';

/*
 * The AsyncAPI document as a checker of what the tests' sockets really receive: every server event
 * and every ack must come with exactly one argument and validate against its schema (required fields
 * present, no field the document does not list). Problems are collected and fail the test that
 * received them (see contract-hooks.ts), so the documents cannot drift from the code.
 */

type Json = Record<string, any>;

interface AckShape {
  /** The payload's actions this shape answers; undefined: every call. */
  actions?: string[];
  validate: ValidateFunction;
}

const MAX_SHOWN = 300;
const show = (value: unknown) => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}...` : text;
};

export class EventContract {
  private constructor(
    private readonly events: Map<string, ValidateFunction>,
    private readonly acks: Map<string, AckShape[]>,
    private readonly errorAck: ValidateFunction,
  ) {}

  /** Reads the document's operations: `send` ones are server events, `receive` ones client events with acks. */
  static fromDocument(document: Json): EventContract {
    // The document's refs point into itself; ajv resolves them within one schema holding every component.
    const rewritten = JSON.parse(JSON.stringify(document).replaceAll('"#/components/schemas/', '"asyncapi#/$defs/'));
    const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
    // OpenAPI's integer formats: the value must be a whole number in range (JSON numbers are doubles).
    ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31 });
    ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
    ajv.addSchema({ $id: 'asyncapi', $defs: rewritten.components.schemas });
    const resolve = (ref: string): Json =>
      ref
        .replace(/^#\//, '')
        .split('/')
        .reduce((node: Json, key) => node[key], rewritten);
    const messageOf = (reference: { $ref: string }): Json => {
      const inChannel = resolve(reference.$ref);
      return inChannel.$ref ? resolve(inChannel.$ref) : inChannel;
    };

    const events = new Map<string, ValidateFunction>();
    const acks = new Map<string, AckShape[]>();
    let errorAck: ValidateFunction | undefined;
    for (const operation of Object.values<Json>(rewritten.operations)) {
      const [message] = operation.messages.map(messageOf);
      if (operation.action === 'send') {
        events.set(message.name, ajv.compile(message.payload));
        continue;
      }
      const shapes: AckShape[] = [];
      for (const reply of operation.reply.messages.map(messageOf)) {
        if (reply.payload.properties.ok.const === false) errorAck ??= ajv.compile(reply.payload);
        else shapes.push({ actions: reply['x-actions'], validate: ajv.compile(reply.payload) });
      }
      acks.set(message.name, shapes);
    }
    if (!errorAck) throw new Error('The AsyncAPI document has no error ack.');
    return new EventContract(events, acks, errorAck);
  }

  /** What is wrong with an event received with these arguments (onAny's arguments after the name). */
  checkEvent(event: string, args: unknown[]): string[] {
    const validate = this.events.get(event);
    if (!validate) return [`'${event}' is not a server event of the AsyncAPI document: ${show(args)}`];
    return [...argumentCount(event, args), ...problems(`'${event}'`, validate, args[0])];
  }

  /** What is wrong with the ack of a client event sent with `payload`. */
  checkAck(event: string, payload: unknown, args: unknown[]): string[] {
    const shapes = this.acks.get(event);
    if (!shapes) return [`'${event}' is not a client event of the AsyncAPI document`];
    const what = `the ack of '${event}'`;
    const ack = args[0] as { ok?: unknown } | undefined;
    const count = argumentCount(what, args);
    if (ack?.ok === false) return [...count, ...problems(what, this.errorAck, ack)];
    const action = (payload as { action?: unknown } | null)?.action;
    const shape = shapes.find((s) => !s.actions || s.actions.includes(action as string));
    if (!shape) return [...count, `${what} has no documented shape for action ${show(action)}: ${show(ack)}`];
    return [...count, ...problems(what, shape.validate, ack)];
  }
}

function argumentCount(what: string, args: unknown[]): string[] {
  return args.length === 1 ? [] : [`${what} arrived with ${args.length} arguments, not 1: ${show(args)}`];
}

function problems(what: string, validate: ValidateFunction, value: unknown): string[] {
  if (validate(value)) return [];
  const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${show(e.params)}`);
  return [`${what} does not match the AsyncAPI document (${errors.join('; ')}): ${show(value)}`];
}

// ---- the suite-wide record ------------------------------------------------------------------

const violations: string[] = [];
let served: Promise<EventContract> | undefined;

/** The contract served by the app at `url`, fetched once per test file: every instance serves the same. */
export function contractFor(url: string): Promise<EventContract> {
  if (!served) {
    served = fetch(new URL('/api/docs/asyncapi.json', url))
      .then((response) => response.json() as Promise<Json>)
      .then((document) => EventContract.fromDocument(document));
    served.catch(() => (served = undefined));
  }
  return served;
}

export function recordViolations(found: string[]): void {
  violations.push(...found);
}

/** Everything recorded since the last call. */
export function takeViolations(): string[] {
  return violations.splice(0);
}
