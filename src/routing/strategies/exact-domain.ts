/** Exact domain rules: a hash lookup of the normalised host (it beats every wildcard). */
export class ExactDomainTable<T> {
  private readonly map = new Map<string, T>();

  get(domain: string): T | undefined {
    return this.map.get(domain);
  }

  set(domain: string, value: T): void {
    this.map.set(domain, value);
  }

  match(host: string): T | undefined {
    return this.map.get(host);
  }

  values(): IterableIterator<T> {
    return this.map.values();
  }
}
