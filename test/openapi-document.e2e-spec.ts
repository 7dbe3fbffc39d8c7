import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv from 'ajv';
import { ERROR_STATUS, ErrorCode } from '../src/common/errors';
import { bearer } from './support/factories';
import { undocumentedAnswer } from './support/openapi-answers';
import { startTestApp, TestApp, userIds } from './support/test-app';

type Json = Record<string, any>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Every schema object of the document with its JSON pointer, nested ones included. */
function schemasOf(doc: Json): { pointer: string; schema: Json }[] {
  const found: { pointer: string; schema: Json }[] = [];
  const visit = (schema: Json | undefined, pointer: string) => {
    if (!schema || typeof schema !== 'object') return;
    found.push({ pointer, schema });
    for (const [name, property] of Object.entries<Json>(schema.properties ?? {}))
      visit(property, `${pointer}/properties/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    visit(schema.items, `${pointer}/items`);
    if (typeof schema.additionalProperties === 'object')
      visit(schema.additionalProperties, `${pointer}/additionalProperties`);
    for (const key of ['allOf', 'anyOf', 'oneOf'])
      (schema[key] ?? []).forEach((s: Json, i: number) => visit(s, `${pointer}/${key}/${i}`));
  };
  for (const name of Object.keys(doc.components?.schemas ?? {}))
    visit(doc.components.schemas[name], `/components/schemas/${name}`);
  for (const { pointer, op } of operationsOf(doc)) {
    (op.parameters ?? []).forEach((p: Json, i: number) => visit(p.schema, `${pointer}/parameters/${i}/schema`));
    for (const [type, media] of Object.entries<Json>(op.requestBody?.content ?? {}))
      visit(media.schema, `${pointer}/requestBody/content/${type.replace(/\//g, '~1')}/schema`);
    for (const [status, response] of Object.entries<Json>(op.responses ?? {}))
      for (const [type, media] of Object.entries<Json>(response.content ?? {}))
        visit(media.schema, `${pointer}/responses/${status}/content/${type.replace(/\//g, '~1')}/schema`);
  }
  return found;
}

function operationsOf(doc: Json): { path: string; method: string; op: Json; pointer: string }[] {
  return Object.entries<Json>(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({
      path,
      method,
      op: item[method],
      pointer: `/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/${method}`,
    })),
  );
}

/** Every named example of a request body or response, with the pointer of the schema it must fit. */
function mediaExamplesOf(doc: Json): { where: string; value: unknown; schemaPointer: string }[] {
  return operationsOf(doc).flatMap(({ path, method, op, pointer }) => {
    const media = [
      ...Object.entries<Json>(op.requestBody?.content ?? {}).map(([type, m]) => ({
        where: `${method.toUpperCase()} ${path} request`,
        media: m,
        schemaPointer: `${pointer}/requestBody/content/${type.replace(/\//g, '~1')}/schema`,
      })),
      ...Object.entries<Json>(op.responses ?? {}).flatMap(([status, response]) =>
        Object.entries<Json>(response.content ?? {}).map(([type, m]) => ({
          where: `${method.toUpperCase()} ${path} ${status}`,
          media: m,
          schemaPointer: `${pointer}/responses/${status}/content/${type.replace(/\//g, '~1')}/schema`,
        })),
      ),
    ];
    return media.flatMap(({ where, media: m, schemaPointer }) =>
      Object.entries<Json>(m.examples ?? {}).map(([name, example]) => ({
        where: `${where} example '${name}'`,
        value: example.value,
        schemaPointer,
      })),
    );
  });
}

/** Schemas the REST operations use, directly or through $refs (the document also carries socket payloads). */
function restSchemaNames(doc: Json): Set<string> {
  const names = new Set<string>();
  const follow = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(follow);
    for (const [key, value] of Object.entries(node as Json)) {
      if (key === '$ref' && typeof value === 'string') {
        const name = value.split('/').pop()!;
        if (!names.has(name)) {
          names.add(name);
          follow(doc.components.schemas[name]);
        }
      } else follow(value);
    }
  };
  follow(doc.paths);
  return names;
}

/**
 * The served OpenAPI document (/api/docs-json) is valid, and what it shows a client works:
 * examples fit their schemas and are accepted by the routes, errors carry one example per code.
 */
describe('the OpenAPI document', () => {
  let t: TestApp;
  let doc: Json;

  beforeAll(async () => {
    t = await startTestApp();
    doc = (await t.http().get('/api/docs-json').expect(200)).body;
  });
  afterAll(() => t.close());

  it('passes the OpenAPI 3.0 schema validator', async () => {
    await expect(SwaggerParser.validate(structuredClone(doc) as any)).resolves.toBeDefined();
  });

  // The OpenAPI 3.0 JSON schema does not check a default or an example against its own schema
  // (the specification says they must conform); openapi-spec-validator does, and so does this.
  it('has defaults and examples that fit their schemas', () => {
    const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
    ajv.addSchema(doc, 'doc');
    const failures: string[] = [];
    const check = (where: string, value: unknown, pointer: string) => {
      const validate = ajv.getSchema(`doc#${pointer}`)!;
      if (!validate(value)) failures.push(`${where}: ${JSON.stringify(value)} ${ajv.errorsText(validate.errors)}`);
    };
    for (const { pointer, schema } of schemasOf(doc)) {
      if (schema.default !== undefined) check(`${pointer} default`, schema.default, pointer);
      if (schema.example !== undefined) check(`${pointer} example`, schema.example, pointer);
    }
    for (const { where, value, schemaPointer } of mediaExamplesOf(doc)) check(where, value, schemaPointer);
    expect(failures).toEqual([]);
  });

  it('types every number of the REST API as an integer', () => {
    const names = restSchemaNames(doc);
    const numbers = schemasOf(doc)
      .filter(({ pointer }) => pointer.startsWith('/paths/') || names.has(pointer.split('/')[3]))
      .filter(({ schema }) => schema.type === 'number')
      .map(({ pointer }) => pointer);
    expect(numbers).toEqual([]);
  });

  it('documents path ids as 24 hex characters and seat indexes as integers 0..15', () => {
    const params = operationsOf(doc).flatMap(({ op }) => (op.parameters ?? []).filter((p: Json) => p.in === 'path'));
    const schemasByName = (name: string) =>
      new Set(params.filter((p) => p.name === name).map((p) => JSON.stringify(p.schema)));
    for (const name of ['id', 'giftId', 'messageId'])
      expect([...schemasByName(name)].map((s) => JSON.parse(s).pattern)).toEqual(['^[0-9a-fA-F]{24}$']);
    expect([...schemasByName('index')].map((s) => JSON.parse(s))).toEqual([
      { type: 'integer', minimum: 0, maximum: 15 },
    ]);
  });

  it('closes request bodies: unknown fields are refused, and the schemas say so', () => {
    const open = schemasOf(doc)
      .filter(({ pointer }) => pointer.includes('/requestBody/'))
      .map(({ schema }) => (schema.$ref ? doc.components.schemas[schema.$ref.split('/').pop()] : schema))
      .filter((schema) => schema.additionalProperties !== false);
    expect(open).toEqual([]);
  });

  it('says in the Authorize dialog how to get a development token', () => {
    const description: string = doc.components.securitySchemes.bearer.description;
    expect(description).toContain('npm run token -- --sub alice');
    expect(description).toContain('POST /api/auth/dev-token');
    expect(description).toContain('DEV_TOKENS_ENABLED=true');
  });

  it('shows each error response with one named example per code, of that status', () => {
    const failures: string[] = [];
    let examples = 0;
    for (const { path, method, op } of operationsOf(doc)) {
      for (const [status, response] of Object.entries<Json>(op.responses)) {
        if (Number(status) < 400) continue;
        const named = response.content?.['application/json']?.examples ?? {};
        if (Object.keys(named).length === 0) failures.push(`${method} ${path} ${status}: no examples`);
        for (const [code, example] of Object.entries<Json>(named)) {
          examples++;
          const value = example.value;
          if (
            ERROR_STATUS[code as ErrorCode] !== Number(status) ||
            value.code !== code ||
            value.statusCode !== Number(status)
          )
            failures.push(`${method} ${path} ${status}: example '${code}' is ${JSON.stringify(value)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(examples).toBeGreaterThan(300);
  });

  it('documents 429 RATE_LIMITED on every route that needs a token, and on sending a gift', () => {
    const missing = operationsOf(doc)
      .filter(({ op }) => !(Array.isArray(op.security) && op.security.length === 0))
      .filter(({ op }) => !op.responses['429']?.content['application/json'].examples.RATE_LIMITED)
      .map(({ method, path }) => `${method} ${path}`);
    expect(missing).toEqual([]);
    expect(
      Object.keys(doc.paths['/api/live/{id}/gifts'].post.responses['429'].content['application/json'].examples),
    ).toContain('RATE_LIMITED');
  });

  it('documents POST /api/gifts as answering 201 with the gift', () => {
    expect(Object.keys(doc.paths['/api/gifts'].post.responses).filter((status) => Number(status) < 400)).toEqual([
      '201',
    ]);
  });

  describe('examples a client can send as given', () => {
    const admin = () => bearer(t.token({ sub: 'doc-admin', admin: true }));
    const fillValid = (path: string) =>
      path.replace(/\{([^}]+)\}/g, (_, name: string) => (/index/i.test(name) ? '1' : '0123456789abcdef01234567'));

    /** What Swagger UI puts in the body: the first named example, else every property's example. */
    function bodyExamples(op: Json): unknown[] {
      const media = op.requestBody.content['application/json'];
      if (media.examples) return Object.values<Json>(media.examples).map((example) => example.value);
      const schema = media.schema.$ref ? doc.components.schemas[media.schema.$ref.split('/').pop()] : media.schema;
      return [Object.fromEntries(Object.entries<Json>(schema.properties ?? {}).map(([k, p]) => [k, p.example]))];
    }

    it('gives every body property an example, unless the body has named examples', () => {
      const missing = operationsOf(doc)
        .filter(({ op }) => op.requestBody && !op.requestBody.content['application/json'].examples)
        .flatMap(({ method, path, op }) =>
          Object.entries<Json>(bodyExamples(op)[0] as Json)
            .filter(([, value]) => value === undefined)
            .map(([name]) => `${method} ${path} ${name}`),
        );
      expect(missing).toEqual([]);
    });

    it('accepts every documented request body as far as validation goes, with a documented answer', async () => {
      const refused: string[] = [];
      for (const { path, method, op } of operationsOf(doc).filter(({ op }) => op.requestBody)) {
        for (const body of bodyExamples(op)) {
          const res = await (t.http() as any)
            [method](fillValid(path))
            .set(admin())
            .send(body as object);
          if (res.body?.code === 'VALIDATION_FAILED')
            refused.push(`${method} ${path} ${JSON.stringify(body)} -> ${JSON.stringify(res.body)}`);
          const why = undocumentedAnswer({ method, path, op }, res);
          if (why) refused.push(`undocumented: ${why}`);
        }
      }
      expect(refused).toEqual([]);
    });

    it('accepts every documented query parameter example', async () => {
      const refused: string[] = [];
      for (const { path, op } of operationsOf(doc).filter(({ method }) => method === 'get')) {
        const query = (op.parameters ?? [])
          .filter((p: Json) => p.in === 'query' && p.schema?.example !== undefined)
          .map((p: Json) => `${p.name}=${encodeURIComponent(p.schema.example)}`);
        if (query.length === 0) continue;
        const res = await t
          .http()
          .get(`${fillValid(path)}?${query.join('&')}`)
          .set(admin());
        if (res.status === 400) refused.push(`GET ${path}?${query.join('&')} -> ${JSON.stringify(res.body)}`);
      }
      expect(refused).toEqual([]);
    });

    it("starts a live from each of create's examples, as given, again and again", async () => {
      const create = doc.paths['/api/live/create'].post;
      const examples = Object.values<Json>(create.requestBody.content['application/json'].examples);
      expect(examples.length).toBeGreaterThan(0);
      const hosts = userIds('doc-host', examples.length * 2);
      for (const [i, example] of [...examples, ...examples].entries()) {
        const res = await t
          .http()
          .post('/api/live/create')
          .set(bearer(t.token({ sub: hosts[i] })))
          .send(example.value);
        expect({ example: example.summary, status: res.status, code: res.body.code }).toEqual({
          example: example.summary,
          status: 201,
          code: undefined,
        });
      }
    });
  });
});
