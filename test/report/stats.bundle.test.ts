import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

type Gammainc = (x: number, s: number, regularized: boolean, upper: boolean) => number;
const require = createRequire(import.meta.url);
// What dist/report/stats.js loads first (`npm run build`; the specifiers in src/report/stats.ts).
const bundle = new URL('../../dist/vendor/gammainc.cjs', import.meta.url);
const built = existsSync(bundle);

describe.skipIf(!built)('the bundled gammainc (dist/vendor/gammainc.cjs)', () => {
  it('gives the p-values of @stdlib/math-base-special-gammainc, bit for bit', () => {
    // Given the package and its bundle
    const pkg = require('@stdlib/math-base-special-gammainc') as Gammainc;
    const bundled = require(bundle.pathname) as Gammainc;
    // When both compute Q(df/2, x/2) over df 1..200 and statistics from 0 to 10 000
    let compared = 0;
    for (let df = 1; df <= 200; df++)
      for (const x of [0, 1e-9, 0.01, 0.5, 1, 2.5, df / 2, df, df + 0.1, 2 * df, 5 * df, 300, 10_000]) {
        // Then every value is the same double
        expect(Object.is(bundled(x / 2, df / 2, true, true), pkg(x / 2, df / 2, true, true))).toBe(true);
        compared++;
      }
    expect(compared).toBe(2600);
  });
});
