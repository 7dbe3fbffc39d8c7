import { startTestApp, TestApp } from './support/test-app';

/**
 * Walks every route of the OpenAPI document with hostile inputs: malformed and unknown ids,
 * wrong types, unknown fields, missing and bad tokens. No answer may be a 5xx. New routes are
 * covered as soon as they appear in the document.
 */
describe('every documented route survives hostile input', () => {
  let t: TestApp;
  let routes: { method: string; path: string; op: any }[];

  beforeAll(async () => {
    t = await startTestApp();
    const doc = (await t.http().get('/api/docs-json')).body;
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
  ];
  const tokens = () => [undefined, 'garbage', t.token('walker'), t.token({ sub: 'walker-admin', admin: true })];

  function fill(path: string, value: string): string {
    return path.replace(/\{[^}]+\}/g, encodeURIComponent(value));
  }

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
            if (res.status >= 500)
              failures.push(`${route.method.toUpperCase()} ${url} -> ${res.status} ${JSON.stringify(res.body)}`);
            if (res.status >= 400 && !res.body?.code)
              failures.push(`${route.method.toUpperCase()} ${url} -> ${res.status} without a code`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('answers protected routes without a token with 401', async () => {
    // Operations inherit the document's bearer requirement unless they declare `security: []` (public).
    const protectedRoutes = routes.filter((r) => !(Array.isArray(r.op.security) && r.op.security.length === 0));
    expect(protectedRoutes.length).toBeGreaterThan(5);
    for (const route of protectedRoutes) {
      const res = await (t.http() as any)[route.method](fill(route.path, '0123456789abcdef01234567')).send({});
      expect({ route: `${route.method} ${route.path}`, status: res.status }).toEqual({
        route: `${route.method} ${route.path}`,
        status: 401,
      });
    }
  });
});
