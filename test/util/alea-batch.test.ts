import { describe, expect, it } from 'vitest';
import { AleaBatch } from '../../src/util/alea-batch.js';
import { stream32 } from '../../src/util/rng.js';

describe('AleaBatch', () => {
  it('draws the sequence of stream32 for the same seed and name, batch after batch', () => {
    // Given a named stream through seedrandom and the same one drawn a batch ahead
    for (const [seed, name] of [
      ['42', 'service/lb-1:http:80:rsp-a/0'],
      ['bench', 'arrivals'],
      ['', 'x'],
    ]) {
      const reference = stream32(seed, name);
      const batch = new AleaBatch(seed, name);
      // When batches of 1, 255 and 1 000 uniforms are drawn
      // Then every uniform is the one seedrandom draws next
      for (const size of [1, 255, 1000]) {
        const out = new Float64Array(size);
        batch.fill(out);
        for (let i = 0; i < size; i++) expect(out[i]).toBe(reference());
      }
    }
  });

  it('fills two streams in one loop as fill() on each would', () => {
    // Given two named streams, each also drawn through seedrandom
    const mix = new AleaBatch('bench', 'mix');
    const clients = new AleaBatch('bench', 'clients');
    const mixRef = stream32('bench', 'mix');
    const clientRef = stream32('bench', 'clients');
    // When they fill batches side by side, then each batch is its stream's next uniforms
    for (const size of [1, 1024, 777]) {
      const a = new Float64Array(size);
      const b = new Float64Array(size);
      mix.fillWith(a, clients, b);
      for (let i = 0; i < size; i++) {
        expect(a[i]).toBe(mixRef());
        expect(b[i]).toBe(clientRef());
      }
    }
    // and outputs of different lengths are refused
    expect(() => mix.fillWith(new Float64Array(2), clients, new Float64Array(3))).toThrow(RangeError);
  });
});
