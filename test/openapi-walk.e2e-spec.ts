import { fieldsOf, namesField, nestedArrays, sampleOf, Schemas, withValueAt } from './support/schema-samples';
import { DocumentedRoute, undocumentedAnswer } from './support/openapi-answers';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Walks every route of the OpenAPI document with hostile inputs: malformed, unknown and overlong
 * ids, wrong types, unknown fields, null in every body field, bodies nested too deep or too large,
 * missing and bad tokens, too many failed authentications. No answer may be a 5xx, and every answer
 * must be one the document lists for that route: its status, and for an error its code among that
 * status's examples. New routes and fields are covered as soon as they appear in the document.
 */
describe('every documented route survives hostile input', () => {
  let t: TestApp;
  let routes: DocumentedRoute[];
  let schemas: Schemas;
  const undocumented = new Set<string>();
  let observed = 0;

  /** Records an answer of `route` that the document does not list. */
  function observe(route: DocumentedRoute, res: { status: number; body?: any }): void {
    observed++;
    const why = undocumentedAnswer(route, res);
    if (why) undocumented.add(why);
  }

  beforeAll(async () => {
    t = await startTestApp();
    const doc = (await t.http().get('/api/docs-json')).body;
    schemas = doc.components.schemas;
    routes = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map(([method, op]) => ({ method, path, op })),
    );
  });
  afterAll(() => t.close());

  const idValues = ['not-an-id', '0123456789abcdef01234567', '%00', '-1', 'a'.repeat(300)];
  const bodies: unknown[] = [
    {},
    { unknownField: true },
    { liveType: 123, title: ['x'], count: 'many', text: { $gt: '' }, giftId: null, seatIndex: -1 },
    [],
    'plain string',
    { targetUserId: 'x'.repeat(5000) },
    JSON.stringify({ text: nestedArrays(1500) }), // sent as text: serializing it per request is slow
  ];
  const tokens = () => [undefined, 'garbage', t.token('walker'), t.token({ sub: 'walker-admin', admin: true })];

  function fill(path: string, value: string): string {
    return path.replace(/\{[^}]+\}/g, encodeURIComponent(value));
  }

  /** Path parameters that pass their pipes (an id's format, a seat index), so the body is what gets judged. */
  function fillValid(path: string): string {
    return path.replace(/\{([^}]+)\}/g, (_, name: string) => (/index/i.test(name) ? '1' : '0123456789abcdef01234567'));
  }

  const bodyRoutes = () => routes.filter((r) => r.op.requestBody);
  const bodySchema = (route: { op: any }) => route.op.requestBody.content['application/json'].schema;
  const admin = () => `Bearer ${t.token({ sub: 'walker-admin', admin: true })}`;
  const send = async (route: DocumentedRoute, body: unknown) => {
    const res = await (t.http() as any)
      [route.method](fillValid(route.path))
      .set('Authorization', admin())
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(body));
    observe(route, res);
    return res;
  };
  const describeAnswer = (route: { method: string; path: string }, what: string, res: any) =>
    `${route.method.toUpperCase()} ${route.path} ${what} -> ${res.status} ${JSON.stringify(res.body)}`;

  it('finds the routes', () => {
    expect(routes.length).toBeGreaterThan(10);
  });

  it('never answers 5xx', async () => {
    const failures: string[] = [];
    for (const route of routes) {
      for (const id of idValues) {
        for (const token of tokens()) {
          for (const body of route.method === 'get' ? [undefined] : bodies) {
            const url = fill(route.path, id) + (route.method === 'get' ? '?limit=abc&cursor=%7B&period=forever' : '');
            let req = (t.http() as any)[route.method](url);
            if (token) req = req.set('Authorization', `Bearer ${token}`);
            if (body !== undefined)
              req = typeof body === 'string' ? req.set('Content-Type', 'application/json').send(body) : req.send(body);
            const res = await req;
            observe(route, res);
            if (res.status >= 500)
              failures.push(`${route.method.toUpperCase()} ${url} -> ${res.status} ${JSON.stringify(res.body)}`);
            if (res.status >= 400 && !res.body?.code)
              failures.push(`${route.method.toUpperCase()} ${url} -> ${res.status} without a code`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  }, 180_000); // every route times every bad id and token: it grows with the API

  it('refuses null in every body field, except where null clears a value', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const route of bodyRoutes()) {
      const sample = sampleOf(bodySchema(route), schemas);
      for (const { path, nullable } of fieldsOf(bodySchema(route), schemas)) {
        const res = await send(route, withValueAt(sample, path, null));
        checked++;
        const what = `{ ${path.join('.')}: null }`;
        if (res.status >= 500) failures.push(describeAnswer(route, what, res));
        else if (nullable && res.body.code === 'VALIDATION_FAILED') failures.push(describeAnswer(route, what, res));
        else if (!nullable && !(res.status === 400 && namesField(res.body, path)))
          failures.push(describeAnswer(route, what, res));
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(40);
  });

  it('answers 400 PAYLOAD_TOO_DEEP to a body nested 1,500 levels deep', async () => {
    const answers = new Set<string>();
    for (const route of bodyRoutes()) {
      const [field] = Object.keys(sampleOf(bodySchema(route), schemas) as object);
      for (const body of [{ [field]: nestedArrays(1500) }, nestedArrays(1500)]) {
        const res = await send(route, body);
        answers.add(
          res.status === 400 && res.body.code === 'PAYLOAD_TOO_DEEP'
            ? 'PAYLOAD_TOO_DEEP'
            : describeAnswer(route, 'deep', res),
        );
      }
    }
    expect([...answers]).toEqual(['PAYLOAD_TOO_DEEP']);
  });

  it('accepts 32 levels of nesting as far as depth goes, and refuses 33', async () => {
    const route = routes.find((r) => r.method === 'post' && r.path === '/api/live/{id}/message')!;
    const at = async (levels: number) => (await send(route, { text: nestedArrays(levels - 1) })).body.code;
    expect(await at(32)).toBe('VALIDATION_FAILED'); // text must be a string
    expect(await at(33)).toBe('PAYLOAD_TOO_DEEP');
  });

  it('answers 413 PAYLOAD_TOO_LARGE to a body over 64 KB', async () => {
    const answers = new Set<string>();
    for (const route of bodyRoutes()) {
      const [field] = Object.keys(sampleOf(bodySchema(route), schemas) as object);
      const res = await send(route, { [field]: 'x'.repeat(64 * 1024) });
      answers.add(
        res.status === 413 && res.body.code === 'PAYLOAD_TOO_LARGE'
          ? 'PAYLOAD_TOO_LARGE'
          : describeAnswer(route, 'large', res),
      );
    }
    expect([...answers]).toEqual(['PAYLOAD_TOO_LARGE']);
  });

  it('reads query strings flat: bracketed keys are unknown fields, not nested objects', async () => {
    const failures: string[] = [];
    for (const route of routes.filter(
      (r) => r.method === 'get' && r.op.parameters?.some((p: any) => p.in === 'query'),
    )) {
      const res = await t
        .http()
        .get(`${fillValid(route.path)}?cursor[a][b][c]=1&limit=1&limit=2`)
        .set('Authorization', admin());
      observe(route, res);
      if (res.status !== 400 || res.body.code !== 'VALIDATION_FAILED')
        failures.push(describeAnswer(route, 'query', res));
    }
    expect(failures).toEqual([]);
  });

  it('answers protected routes without a token with 401', async () => {
    // Operations inherit the document's bearer requirement unless they declare `security: []` (public).
    const protectedRoutes = routes.filter((r) => !(Array.isArray(r.op.security) && r.op.security.length === 0));
    expect(protectedRoutes.length).toBeGreaterThan(5);
    for (const route of protectedRoutes) {
      const res = await (t.http() as any)[route.method](fill(route.path, '0123456789abcdef01234567')).send({});
      observe(route, res);
      expect({ route: `${route.method} ${route.path}`, status: res.status }).toEqual({
        route: `${route.method} ${route.path}`,
        status: 401,
      });
    }
  });
  it('answers a path parameter over 100 characters with 414 PATH_PARAM_TOO_LONG, in the error shape', async () => {
    const answers = new Set<string>();
    for (const route of routes.filter((r) => r.path.includes('{'))) {
      const res = await (t.http() as any)
        [route.method](fill(route.path, 'a'.repeat(101)))
        .set('Authorization', admin());
      observe(route, res);
      answers.add(JSON.stringify([res.status, res.body]));
    }
    expect([...answers].map((answer) => JSON.parse(answer))).toEqual([
      [
        414,
        {
          statusCode: 414,
          code: 'PATH_PARAM_TOO_LONG',
          message: 'A path parameter is longer than 100 characters.',
          details: { maxLength: 100 },
        },
      ],
    ]);
  });

  it('answers a path that does not decode with 400 VALIDATION_FAILED, in the error shape', async () => {
    const route = routes.find((r) => r.method === 'get' && r.path === '/api/live/{id}')!;
    const res = await t.http().get('/api/live/%E0%A4%A');
    observe(route, res);
    expect([res.status, res.body.code, Object.keys(res.body).sort()]).toEqual([
      400,
      'VALIDATION_FAILED',
      ['code', 'message', 'statusCode'],
    ]);
  });

  it('answers 429 RATE_LIMITED on every route that needs a token, once an address failed too often', async () => {
    const limited = await startTestApp({ AUTH_FAILURE_POINTS: '1' });
    try {
      const protectedRoutes = routes.filter((r) => !(Array.isArray(r.op.security) && r.op.security.length === 0));
      const statuses: number[] = [];
      for (const route of protectedRoutes) {
        const res = await (limited.http() as any)
          [route.method](fillValid(route.path))
          .set('Authorization', 'Bearer garbage')
          .send({});
        observe(route, res);
        statuses.push(res.status);
      }
      expect(statuses).toEqual([401, ...protectedRoutes.slice(1).map(() => 429)]);
    } finally {
      await limited.close();
    }
  });

  // Last: the tests above fed it.
  it('got only answers the document lists for their route', () => {
    expect([...undocumented].sort()).toEqual([]);
    expect(observed).toBeGreaterThan(1000);
  });
});
