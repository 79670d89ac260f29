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
});
