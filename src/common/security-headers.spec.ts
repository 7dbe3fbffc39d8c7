import { securityHeaders } from './security-headers';

describe('security headers', () => {
  it("are helmet's defaults without a content security policy", async () => {
    const headers = await securityHeaders({ contentSecurityPolicy: false });
    expect(headers).toMatchObject({
      'strict-transport-security': expect.stringContaining('max-age='),
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'referrer-policy': 'no-referrer',
    });
    expect(headers).not.toHaveProperty('content-security-policy');
  });

  it('refuses a content security policy, which may differ per request', async () => {
    await expect(securityHeaders({})).rejects.toThrow(/content security policy/);
  });
});
