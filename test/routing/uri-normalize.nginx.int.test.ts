/**
 * Differential test against a real nginx (Tengine's base): for random request targets built from
 * the characters the state machine cares about, `normalizeUri` gives exactly nginx's `$uri`, or
 * null exactly when nginx answers 400, with `merge_slashes` on and off. Skipped, with a notice,
 * when nginx is not installed.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findNginx } from '../../src/live/nginx-process.js';
import { normalizeUri, normalUriEnd, URI_INVALID } from '../../src/routing/uri-normalize.js';
import { NginxEcho } from '../helpers/nginx-echo.js';

const NGINX = findNginx();
if (!NGINX) console.warn('notice: nginx is not installed; uri-normalize.nginx.int.test.ts is SKIPPED');

const target = fc
  .array(
    fc.constantFrom('/', '/', '.', '.', '%', '2', 'e', 'E', 'F', 'f', '3', '0', 'a', 'z', '?', '#', '5', '+'),
    {
      maxLength: 14,
    },
  )
  .map((cs) => `/${cs.join('')}`);

describe.skipIf(!NGINX)('normalizeUri against nginx', () => {
  let nginx: NginxEcho;
  beforeAll(async () => {
    nginx = await NginxEcho.start(NGINX!);
  });
  afterAll(async () => {
    await nginx?.stop();
  });

  for (const merge of [true, false])
    it(`given random targets (merge_slashes ${merge ? 'on' : 'off'}), then the normalised path is nginx's $uri, null exactly when nginx answers 400`, async () => {
      await fc.assert(
        fc.asyncProperty(target, async (t) => {
          const echo = await nginx.get(t, 'x.test', merge);
          const mine = normalizeUri(t, merge);
          expect({ t, uri: mine }).toEqual({ t, uri: echo.status === 200 ? echo.uri : null });
          if (echo.status !== 200) expect(echo.status).toBe(400);
          if (merge) {
            const end = normalUriEnd(t);
            if (end >= 0) expect(t.slice(0, end)).toBe(echo.uri);
            if (end === URI_INVALID) expect(echo.status).toBe(400);
          }
        }),
        { seed: 1022, numRuns: 600 },
      );
    });
});
