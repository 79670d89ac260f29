import { describe, expect, it } from 'vitest';
import { requireOnFirstUse } from '../../src/util/require-on-first-use.js';

describe('requireOnFirstUse', () => {
  it('given a missing first specifier, then it loads the fallback, once', () => {
    // Given a module that is not there, then one that is
    const get = requireOnFirstUse<typeof import('seedrandom')>(
      import.meta.url,
      './no-such-module.cjs',
      'seedrandom',
    );
    // When it is asked twice, then both times it is the fallback package, the same object
    const first = get();
    expect(typeof first.alea).toBe('function');
    expect(get()).toBe(first);
  });

  it('given only missing specifiers, then the last one’s MODULE_NOT_FOUND is thrown', () => {
    const get = requireOnFirstUse(import.meta.url, './no-such-module.cjs', 'no-such-package-slbsim');
    expect(get).toThrow(expect.objectContaining({ code: 'MODULE_NOT_FOUND' }));
  });
});
