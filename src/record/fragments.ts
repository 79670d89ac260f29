/**
 * Precomputed text for the text formats (JSONL, CSV): everything a record row derives from a
 * listener, template, scope or backend index — and the outcome/status pair — is encoded once when
 * the index is defined, so writing a row joins a handful of ready strings instead of escaping the
 * same host or ServerId again for every request.
 */
import { OUTCOME_NAMES } from '../routing/outcomes.js';
import { statusOf } from './columns.js';
import type { Definition } from './record-format.js';

/** Encodes one field (`name`, value) as text; null is a missing value. */
export type FieldEncoder = (name: string, value: string | number | null) => string;

export class Fragments {
  /** `listener` by listener index; index -1 → `none.listener`. */
  readonly listener: string[] = [];
  /** Layer (4 or 7) by listener index. */
  readonly layer: number[] = [];
  /** `host`, `path`, `method` by template index. */
  readonly template: string[] = [];
  /** `RuleId`, `RuleName`, `matchKind`, `source`, `VServerGroupId` by scope index. */
  readonly scope: string[] = [];
  /** `ServerId`, `Port` by backend index. */
  readonly backend: string[] = [];
  /** `outcome`, `status` by [layer === 7 ? 1 : 0][outcome]. */
  readonly outcome: readonly (readonly string[])[];
  readonly none: { listener: string; template: string; scope: string; backend: string };

  constructor(
    private readonly enc: FieldEncoder,
    private readonly sep: string,
  ) {
    this.none = {
      listener: enc('listener', null),
      template: this.join([
        ['host', null],
        ['path', null],
        ['method', null],
      ]),
      scope: this.join([
        ['RuleId', null],
        ['RuleName', null],
        ['matchKind', null],
        ['source', null],
        ['VServerGroupId', null],
      ]),
      backend: this.join([
        ['ServerId', null],
        ['Port', null],
      ]),
    };
    this.outcome = [4, 7].map((layer) =>
      OUTCOME_NAMES.map((name, code) => {
        const status = statusOf(layer, code);
        return this.join([
          ['outcome', name],
          ['status', status === 0 ? null : status],
        ]);
      }),
    );
  }

  define(e: Definition): void {
    switch (e.type) {
      case 'ListenerDefined':
        this.listener[e.listener] = this.enc('listener', e.key);
        this.layer[e.listener] = e.layer;
        break;
      case 'TemplateDefined':
        this.template[e.template] = this.join([
          ['host', e.host],
          ['path', e.path],
          ['method', e.method],
        ]);
        break;
      case 'ScopeDefined':
        this.scope[e.scope] = this.join([
          ['RuleId', e.rule?.RuleId ?? null],
          ['RuleName', e.rule?.RuleName ?? null],
          ['matchKind', e.rule?.matchKind ?? null],
          ['source', e.source],
          ['VServerGroupId', e.groupId],
        ]);
        break;
      case 'BackendDefined':
        this.backend[e.backend] = this.join([
          ['ServerId', e.ServerId],
          ['Port', e.Port],
        ]);
        break;
    }
  }

  listenerOf(i: number): string {
    return (i >= 0 ? this.listener[i] : undefined) ?? this.none.listener;
  }

  templateOf(i: number): string {
    return (i >= 0 ? this.template[i] : undefined) ?? this.none.template;
  }

  scopeOf(i: number): string {
    return (i >= 0 ? this.scope[i] : undefined) ?? this.none.scope;
  }

  backendOf(i: number): string {
    return (i >= 0 ? this.backend[i] : undefined) ?? this.none.backend;
  }

  outcomeOf(listener: number, outcome: number): string {
    return this.outcome[listener >= 0 && this.layer[listener] === 7 ? 1 : 0][outcome];
  }

  private join(fields: readonly (readonly [string, string | number | null])[]): string {
    return fields.map(([name, value]) => this.enc(name, value)).join(this.sep);
  }
}
