/**
 * Given/When/Then for the topology fold:
 *   given(events).when(action, params).then((state, response) => …)
 *   given(events).when(action, params).rejects('ObtainIpFail', 'BackendServers[0].ServerId')
 * `given` folds its events and fails the test if any of them is rejected (setups must be valid).
 */
import { expect } from 'vitest';
import { apply, fold } from '../../src/topology/apply.js';
import type { ClbError } from '../../src/topology/clb-errors.js';
import type { ActionName, ActionParams, TopologyEvent } from '../../src/topology/events.js';
import type { ApplyResult } from '../../src/topology/result.js';
import type { TopologyState } from '../../src/topology/types.js';

export function ev(action: ActionName, params: ActionParams = {}): TopologyEvent {
  return { action, params };
}

export class When {
  constructor(
    readonly before: TopologyState,
    readonly result: ApplyResult,
  ) {}

  /** Assert the call succeeded; run `check` on the new state and the response. */
  // biome-ignore lint/suspicious/noThenProperty: Given/When/Then vocabulary; a When is never awaited.
  then(check?: (state: TopologyState, response: Readonly<Record<string, unknown>>) => void): TopologyState {
    if (!this.result.ok)
      expect.fail(`expected success, got ${this.result.error.code}: ${this.result.error.message}`);
    check?.(this.result.state, this.result.response);
    return this.result.state;
  }

  /** Assert the call was rejected with `code` (and `param`, when given; `null` = no param). */
  rejects(code: string, param?: string | null): ClbError {
    if (this.result.ok) expect.fail(`expected ${code}, but the call succeeded`);
    const { error } = this.result;
    expect(error.code, error.message).toBe(code);
    if (param === null) expect(error.param).toBeUndefined();
    else if (param !== undefined) expect(error.param, error.message).toBe(param);
    return error;
  }
}

export class Given {
  readonly state: TopologyState;

  constructor(events: readonly TopologyEvent[], initial?: TopologyState) {
    const { state, results } = fold(events, initial);
    results.forEach((r, i) => {
      if (!r.ok)
        expect.fail(
          `given: event ${i} (${events[i].action}) was rejected: ${r.error.code} ${r.error.message}`,
        );
    });
    this.state = state;
  }

  when(action: ActionName, params: ActionParams = {}): When {
    return new When(this.state, apply(this.state, { action, params }));
  }

  and(...events: EventTree[]): Given {
    return new Given(flatten(events), this.state);
  }
}

/** Events, or (nested) lists of them. */
export type EventTree = TopologyEvent | readonly EventTree[];

function flatten(tree: readonly EventTree[], out: TopologyEvent[] = []): TopologyEvent[] {
  for (const t of tree)
    if (Array.isArray(t)) flatten(t, out);
    else out.push(t as TopologyEvent);
  return out;
}

export function given(...events: EventTree[]): Given {
  return new Given(flatten(events));
}
