/**
 * What an import reports besides the scenario: problems (each a Diagnostic at the input node,
 * `file:line:col: CODE message`; any problem fails the import) and notices (what was read
 * differently from the input, left out, or defaulted). Fields the model does not hold are not
 * reported one by one: each input kind lists its ignored field names once. Defaults CLB applies
 * to a field the input leaves out are listed once per field and value, with what they apply to.
 */
import type { Diagnostic } from '../scenario/scenario-model.js';
import type { JsonNode } from './json-input.js';

/** Input-side codes of the importer (rejected events carry CLB's own codes instead). */
export type ImportCode =
  | 'JsonSyntax'
  | 'FileNotFound'
  | 'FileUnreadable'
  | 'NoInput'
  | 'UnknownShape'
  | 'ErrorResponse'
  | 'InvalidValue'
  | 'MissingDescribe'
  | 'MissingPage'
  | 'MissingResource'
  | 'AmbiguousListener'
  | 'DuplicateDescribe'
  | 'Conflict'
  | 'UnsupportedState';

const SHOWN = 6;

export class ImportLog {
  readonly diagnostics: Diagnostic[] = [];
  private readonly notes = new Set<string>();
  private readonly ignored = new Map<string, Set<string>>();
  private readonly defaults = new Map<string, string[]>();

  error(node: JsonNode, code: ImportCode, message: string): void {
    this.diagnostics.push(node.diagnostic(code, message));
  }

  get failed(): boolean {
    return this.diagnostics.length > 0;
  }

  notice(text: string): void {
    this.notes.add(text);
  }

  /** `field` of an input of kind `kind` is not held by the model. */
  ignore(kind: string, field: string): void {
    let set = this.ignored.get(kind);
    if (!set) this.ignored.set(kind, (set = new Set()));
    set.add(field);
  }

  /** CLB's default `field = value` applies to `subject` because the input leaves the field out. */
  defaulted(field: string, value: string | number, subject: string): void {
    const key = `${field} = ${value}`;
    const list = this.defaults.get(key) ?? [];
    if (!list.includes(subject)) list.push(subject);
    this.defaults.set(key, list);
  }

  /** Every notice: the individual ones in the order given, then ignored fields, then defaults. */
  notices(): string[] {
    const out = [...this.notes];
    for (const [kind, fields] of [...this.ignored].sort(([a], [b]) => (a < b ? -1 : 1)))
      out.push(`${kind}: not modelled, ignored: ${[...fields].sort().join(', ')}`);
    for (const [key, subjects] of [...this.defaults].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const shown = subjects.slice(0, SHOWN).join(', ');
      const more = subjects.length > SHOWN ? ` and ${subjects.length - SHOWN} more` : '';
      out.push(`not given, CLB's default ${key} applies: ${shown}${more}`);
    }
    return out;
  }
}
