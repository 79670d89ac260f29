/**
 * Turns one scope's accumulated state into its `GroupReport` (the `groups[]` entry): identity of
 * the group and of the listener/rule that schedules it, totals per backend, epochs, health
 * changes, latency and the share-over-time series.
 */
import type { JournalDictionary } from '../../journal/dictionary.js';
import type { GroupBackendTotal, GroupReport } from '../report-model.js';
import { round6 } from '../round.js';
import { summarize } from './latency.js';
import { backendLabel, type ScopeState, scopeLabel } from './scope.js';

export function groupReport(
  s: ScopeState,
  dict: JournalDictionary,
  endUs: number,
  buckets: number,
): GroupReport {
  const def = s.def;
  const n = s.columns.length;
  let served = 0;
  let stickyServed = 0;
  let failed = 0;
  for (let c = 0; c < n; c++) {
    served += s.served[c];
    stickyServed += s.sticky[c];
    failed += s.failed[c];
  }
  const backends: GroupBackendTotal[] = [];
  for (let c = 0; c < n; c++) {
    const b = dict.backends[s.columns[c]];
    backends.push({
      ServerId: b?.ServerId ?? `#${s.columns[c]}`,
      Port: b?.Port ?? 0,
      count: s.served[c],
      share: served > 0 ? round6(s.served[c] / served) : 0,
      sticky: s.sticky[c],
      failed: s.failed[c],
    });
  }
  const timelineServed: number[][] = [];
  const timelineFailed: number[] = [];
  for (let j = 0; j < buckets; j++) {
    const row: number[] = [];
    for (let c = 0; c < n; c++) row.push(s.series[c][j]);
    timelineServed.push(row);
    timelineFailed.push(s.failedSeries[j]);
  }
  const isMasterSlave = def.source === 'master-slave';
  const isDefault = def.source === 'default-pool';
  return {
    scope: scopeLabel(def, dict),
    VServerGroupId: isMasterSlave || isDefault ? null : def.groupId,
    MasterSlaveServerGroupId: isMasterSlave ? def.groupId : null,
    defaultPool: isDefault,
    groupName: def.groupName,
    listener: dict.listeners[def.listener]?.key ?? `#${def.listener}`,
    source: def.source,
    RuleId: def.rule?.RuleId ?? null,
    RuleName: def.rule?.RuleName ?? null,
    matchKind: def.rule?.matchKind ?? null,
    scheduler: def.scheduler,
    layer: def.layer,
    deterministic: def.deterministic,
    stickySession: def.sticky,
    requests: s.routed,
    served,
    stickyServed,
    failed,
    noEligibleBackend: s.noBackend,
    backends,
    epochs: s.epochReports(dict, endUs),
    health: [...s.health],
    latency: summarize(s.latency),
    timeline: {
      backends: s.columns.map((b) => backendLabel(dict, b)),
      served: timelineServed,
      failed: timelineFailed,
    },
  };
}
