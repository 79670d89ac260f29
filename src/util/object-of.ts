/**
 * Objects of one fixed shape from values in order: `objectOf(['a', 'b'])([1, 2])` is `{ a: 1, b: 2 }`.
 * Compiled once into a function returning one object literal, so every object it builds has the
 * same hidden class and each value goes in by a named store. Filling `o[name]` in a loop over the
 * names instead makes each store a keyed one at a site that sees every name (megamorphic, ~20 ns
 * a value on a row reader's path).
 */
export function objectOf<T = Record<string, unknown>>(
  names: readonly string[],
): (values: ArrayLike<unknown>) => T {
  const body = names.map((name, i) => `${JSON.stringify(name)}: v[${i}]`).join(', ');
  return new Function('v', `return { ${body} };`) as (values: ArrayLike<unknown>) => T;
}
