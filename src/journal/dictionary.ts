/**
 * The journal's dictionaries: what each listener, template, backend and scope index stands for,
 * collected from the `*Defined` control rows. Every journal consumer (reports, record writers,
 * the journal file reader) keeps one and feeds it every control entry it sees.
 */
import type {
  BackendDefined,
  ControlEntry,
  ListenerDefined,
  RunStarted,
  ScopeDefined,
  TemplateDefined,
} from './journal-rows.js';

export class JournalDictionary {
  run: RunStarted | undefined;
  readonly listeners: ListenerDefined[] = [];
  readonly templates: TemplateDefined[] = [];
  readonly backends: BackendDefined[] = [];
  readonly scopes: ScopeDefined[] = [];

  /** Record a control entry; returns true when it was a definition. */
  observe(entry: ControlEntry): boolean {
    switch (entry.type) {
      case 'RunStarted':
        this.run = entry;
        return false;
      case 'ListenerDefined':
        this.listeners[entry.listener] = entry;
        return true;
      case 'TemplateDefined':
        this.templates[entry.template] = entry;
        return true;
      case 'BackendDefined':
        this.backends[entry.backend] = entry;
        return true;
      case 'ScopeDefined':
        this.scopes[entry.scope] = entry;
        return true;
      default:
        return false;
    }
  }

  /** `ServerId:Port` of a backend index, or null for -1. */
  backendKey(index: number): string | null {
    if (index < 0) return null;
    const b = this.backends[index];
    return `${b.ServerId}:${b.Port}`;
  }
}
