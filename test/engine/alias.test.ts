import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AliasTable } from '../../src/engine/alias.js';

/** The Walker/Vose draw without the lookup table: the column, then its threshold. */
function reference(table: AliasTable, u: number): number {
  const t = table as unknown as { prob: Float64Array; alias: Int32Array };
  const x = u * t.prob.length;
  const i = Math.floor(x);
  return x - i < t.prob[i] ? i : t.alias[i];
}

/** The doubles next to `x` (one ulp either way), inside [0, 1). */
function neighbours(x: number): number[] {
  const f = new Float64Array([x]);
  const bits = new BigInt64Array(f.buffer);
  const out = [x];
  for (const d of [-1n, 1n]) {
    const g = new Float64Array(1);
    new BigInt64Array(g.buffer)[0] = bits[0] + d;
    out.push(g[0]);
  }
  return out.filter((u) => u >= 0 && u < 1);
}

describe('AliasTable', () => {
  it('draws what the alias method draws, for every uniform near a slice, column or threshold', () => {
    // Given the engine benchmark's mix weights and a table of 1 000 uneven weights
    for (const weights of [
      [4, 2, 1, 1, 1, 1],
      Array.from({ length: 1000 }, (_, i) => 1 + ((37 * i) % 100)),
    ]) {
      const table = new AliasTable(weights);
      const t = table as unknown as { prob: Float64Array; cells: Int32Array };
      const n = weights.length;
      // When uniforms are drawn at every slice edge, column edge and threshold, and one ulp either side
      const edges: number[] = [];
      for (let j = 0; j <= t.cells.length; j++) edges.push(j / t.cells.length);
      for (let i = 0; i < n; i++) edges.push(i / n, (i + t.prob[i]) / n);
      let drawn = 0;
      for (const e of edges)
        for (const u of neighbours(e)) {
          // Then the table's draw is the reference draw
          expect(table.draw(() => u)).toBe(reference(table, u));
          drawn++;
        }
      expect(drawn).toBeGreaterThan(3 * t.cells.length);
    }
  });

  it('draws what the alias method draws for any uniform and any weights (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 2, maxLength: 40 }),
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
          minLength: 1,
          maxLength: 50,
        }),
        (weights, us) => {
          const table = new AliasTable(weights);
          for (const u of us) expect(table.draw(() => u)).toBe(reference(table, u));
        },
      ),
    );
  });

  it('draws nothing from the stream for a mix of one template', () => {
    // Given one weight, when it draws, then the stream is not called and the choice is 0
    let calls = 0;
    expect(
      new AliasTable([3]).draw(() => {
        calls++;
        return 0.5;
      }),
    ).toBe(0);
    expect(calls).toBe(0);
  });

  it('chooses for a batch of uniforms (ofEach) what it chooses one at a time (of)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 2, maxLength: 12 }),
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
          minLength: 1,
          maxLength: 64,
        }),
        (weights, us) => {
          const table = new AliasTable(weights);
          const out = new Int32Array(us.length + 3).fill(-7);
          table.ofEach(Float64Array.from(us), out, 3);
          expect(Array.from(out.subarray(3))).toEqual(us.map((u) => table.of(u)));
          expect(Array.from(out.subarray(0, 3))).toEqual([-7, -7, -7]);
        },
      ),
    );
  });
});
