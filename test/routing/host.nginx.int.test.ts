/**
 * Differential test against a real nginx: for random Host values built from the characters
 * `ngx_http_validate_host` cares about, `validateHost` gives exactly nginx's `$host`, or null
 * exactly when nginx answers 400. Skipped, with a notice, when nginx is not installed.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findNginx } from '../../src/live/nginx-process.js';
import { validateHost } from '../../src/routing/host.js';
import { NginxEcho } from '../helpers/nginx-echo.js';

const NGINX = findNginx();
if (!NGINX) console.warn('notice: nginx is not installed; host.nginx.int.test.ts is SKIPPED');

const host = fc
  .array(fc.constantFrom('a', 'B', 'c', '.', '.', ':', ':', '[', ']', '1', '/', '_', '-', '\\'), {
    maxLength: 12,
  })
  .map((cs) => cs.join(''));

describe.skipIf(!NGINX)('validateHost against nginx', () => {
  let nginx: NginxEcho;
  beforeAll(async () => {
    nginx = await NginxEcho.start(NGINX!);
  });
  afterAll(async () => {
    await nginx?.stop();
  });

  it("given random Host values, then the host is nginx's $host, null exactly when nginx answers 400", async () => {
    await fc.assert(
      fc.asyncProperty(host, async (h) => {
        const echo = await nginx.get('/', h);
        expect({ h, host: validateHost(h) }).toEqual({ h, host: echo.status === 200 ? echo.host : null });
        if (echo.status !== 200) expect(echo.status).toBe(400);
      }),
      { seed: 1022, numRuns: 600 },
    );
  });

  it.each([
    ['API.Example.COM', 'api.example.com'],
    ['example.com.', 'example.com'],
    ['example.com.:8080', 'example.com'],
    ['example.com:80.', 'example.com'],
    ['.example.com', '.example.com'],
    ['[::1]:80', '[::1]'],
    ['x[::1]', 'x['],
    ['a.b.:80.x', 'a.b.'],
    ['a..example.com', null],
    ['example.com..', null],
    ['.', null],
    [':80', null],
    ['', null],
    ['a b', null],
    ['a\tb', null],
    ['a\u007fb', null],
    ['a/b', null],
  ])('given Host %j, then nginx and validateHost give %j', async (h, expected) => {
    expect(validateHost(h)).toBe(expected);
    const echo = await nginx.get('/', h);
    expect(echo.status === 200 ? echo.host : null).toBe(expected);
  });
});
