/**
 * A CommonJS module loaded at its first use, not at start-up: for packages whose module trees cost
 * every `slbsim` command tens of milliseconds although only some commands need them (autocannon,
 * hdr-histogram-js, the p-value function).
 */
import { createRequire } from 'node:module';

/**
 * A getter that requires the first of `specifiers` that exists, resolved from the module at `from`
 * (`import.meta.url`), once; the next specifiers are fallbacks for a module that is not there.
 */
export function requireOnFirstUse<T>(from: string, ...specifiers: string[]): () => T {
  let loaded: T | undefined;
  return () => {
    if (loaded === undefined) loaded = requireFirst<T>(createRequire(from), specifiers);
    return loaded;
  };
}

function requireFirst<T>(require: NodeJS.Require, specifiers: readonly string[]): T {
  for (let i = 0; ; i++) {
    try {
      return require(specifiers[i]) as T;
    } catch (e) {
      if (i === specifiers.length - 1 || (e as { code?: string }).code !== 'MODULE_NOT_FOUND') throw e;
    }
  }
}
