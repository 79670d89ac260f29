import { describe, expect, it } from 'vitest';
import { objectOf } from '../../src/util/object-of.js';

describe('objectOf', () => {
  it('given names, then each call builds an object of them in order from its values', () => {
    const build = objectOf(['t', 'client-ip', 'a"b']);
    expect(build([1, '10.0.0.1', null])).toEqual({ t: 1, 'client-ip': '10.0.0.1', 'a"b': null });
    expect(Object.keys(build([2, 3, 4]))).toEqual(['t', 'client-ip', 'a"b']);
  });
});
