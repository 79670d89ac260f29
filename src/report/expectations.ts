/**
 * The scenario's `expect:` list checked against a run: per-group backend shares with a
 * tolerance (optionally within a time window), rule-match shares, a maximum number of failed
 * requests and a minimum χ² p-value. Each check gives one result with the expectation's source
 * position (`file:line:col`), what was expected and observed, and a one-line message; the CLI
 * exits 1 when any failed.
 */
import type { Expectation, SourcePos } from '../scenario/scenario-model.js';
import { formatDuration } from '../util/duration.js';
import type { ExpectationResult, ExpectationsReport, GroupReport, Report } from './report-model.js';
import { round6, sig6 } from './round.js';

/** The χ² approximation is used only when every expected count is at least this (Cochran). */
export const MIN_EXPECTED_FOR_CHI_SQUARE = 5;

/** What the checks read: the report, and exact served counts per group and time window. */
export interface ExpectationContext {
  readonly report: Pick<Report, 'requests' | 'outcomes' | 'listeners' | 'groups'>;
  /**
   * Served requests per `ServerId:Port` over the scopes of `group` (of one listener when given),
   * within `window` when given; null when no scope uses that group.
   */
  groupServed(
    group: string,
    listener: string | undefined,
    window: { readonly from: number; readonly to: number } | undefined,
  ): ReadonlyMap<string, number> | null;
}

/** Whether a `groups[]` entry is the group an expectation names (`default` = the default pool). */
export function groupMatches(
  g: Pick<GroupReport, 'VServerGroupId' | 'MasterSlaveServerGroupId' | 'defaultPool'>,
  name: string,
): boolean {
  return (
    g.VServerGroupId === name || g.MasterSlaveServerGroupId === name || (name === 'default' && g.defaultPool)
  );
}

export function formatPos(pos: SourcePos): string {
  return `${pos.file}:${pos.line}:${pos.col}`;
}

export function evaluateExpectations(
  expectations: readonly Expectation[],
  ctx: ExpectationContext,
): ExpectationsReport {
  const results: ExpectationResult[] = [];
  for (const e of expectations) {
    switch (e.kind) {
      case 'shares':
        checkShares(e, ctx, results);
        break;
      case 'ruleShare':
        results.push(checkRuleShare(e, ctx));
        break;
      case 'maxFailed':
        results.push(checkMaxFailed(e, ctx));
        break;
      case 'minPValue':
        results.push(checkMinPValue(e, ctx));
        break;
    }
  }
  const passed = results.filter((r) => r.passed).length;
  return { passed, failed: results.length - passed, results };
}

type SharesExpectation = Extract<Expectation, { kind: 'shares' }>;

function checkShares(e: SharesExpectation, ctx: ExpectationContext, out: ExpectationResult[]): void {
  const pos = formatPos(e.pos);
  const where =
    (e.listener ? ` on ${e.listener}` : '') +
    (e.window ? ` in ${formatDuration(e.window.from)}–${formatDuration(e.window.to)}` : '');
  const counts = ctx.groupServed(e.group, e.listener, e.window);
  const keys = Object.keys(e.shares);
  if (counts === null) {
    for (const key of keys)
      out.push({
        kind: 'shares',
        pos,
        passed: false,
        subject: `${e.group} ${key}`,
        expected: e.shares[key],
        observed: null,
        tolerance: e.tolerance,
        message: `${pos}: group ${e.group}${e.listener ? ` on ${e.listener}` : ''} received no requests in this run`,
      });
    return;
  }
  let total = 0;
  for (const c of counts.values()) total += c;
  for (const key of keys) {
    const expected = e.shares[key];
    const subject = `${e.group} ${key}`;
    let matched = false;
    let count = 0;
    for (const [backend, c] of counts) {
      if (backend === key || backend.slice(0, backend.lastIndexOf(':')) === key) {
        matched = true;
        count += c;
      }
    }
    if (!matched) {
      out.push({
        kind: 'shares',
        pos,
        passed: false,
        subject,
        expected,
        observed: null,
        tolerance: e.tolerance,
        message: `${pos}: group ${e.group}${where} has no backend ${key} (backends: ${[...counts.keys()].join(', ')})`,
      });
      continue;
    }
    if (total === 0) {
      out.push({
        kind: 'shares',
        pos,
        passed: false,
        subject,
        expected,
        observed: null,
        tolerance: e.tolerance,
        message: `${pos}: group ${e.group}${where} served no requests, so ${key}'s share is undefined`,
      });
      continue;
    }
    const observed = round6(count / total);
    const passed = Math.abs(count / total - expected) <= e.tolerance + 1e-12;
    out.push({
      kind: 'shares',
      pos,
      passed,
      subject,
      expected,
      observed,
      tolerance: e.tolerance,
      message: `${pos}: share of ${key} in ${e.group}${where}: expected ${round6(expected)} ± ${round6(e.tolerance)}, observed ${observed} (${count} of ${total})`,
    });
  }
}

function checkRuleShare(
  e: Extract<Expectation, { kind: 'ruleShare' }>,
  ctx: ExpectationContext,
): ExpectationResult {
  const pos = formatPos(e.pos);
  const subject = `${e.listener} ${e.rule}`;
  const base = { kind: 'ruleShare' as const, pos, subject, expected: e.share, tolerance: e.tolerance };
  const l = ctx.report.listeners.find((x) => x.listener === e.listener);
  if (!l || l.requests === 0)
    return {
      ...base,
      passed: false,
      observed: null,
      message: `${pos}: listener ${e.listener} received no requests in this run`,
    };
  let count: number;
  let known = true;
  if (e.rule === 'listener-group') count = l.fallbacks.listenerGroup.count;
  else if (e.rule === 'default-pool') count = l.fallbacks.defaultPool.count;
  else if (e.rule === 'master-slave') count = l.fallbacks.masterSlave?.count ?? 0;
  else {
    const r = l.rules.find((x) => x.RuleName === e.rule || x.RuleId === e.rule);
    count = r?.count ?? 0;
    known = r !== undefined;
  }
  const observed = round6(count / l.requests);
  const passed = Math.abs(count / l.requests - e.share) <= e.tolerance + 1e-12;
  const note = known ? '' : ' (no request matched a rule of that name or id)';
  return {
    ...base,
    passed,
    observed,
    message: `${pos}: share of ${e.rule} on ${e.listener}: expected ${round6(e.share)} ± ${round6(e.tolerance)}, observed ${observed} (${count} of ${l.requests})${note}`,
  };
}

function checkMaxFailed(
  e: Extract<Expectation, { kind: 'maxFailed' }>,
  ctx: ExpectationContext,
): ExpectationResult {
  const pos = formatPos(e.pos);
  const o = ctx.report.outcomes;
  const failed = ctx.report.requests - o.ok;
  const parts = (Object.keys(o) as (keyof typeof o)[])
    .filter((k) => k !== 'ok' && (o[k] ?? 0) > 0)
    .map((k) => `${k} ${o[k]}`);
  return {
    kind: 'maxFailed',
    pos,
    passed: failed <= e.value,
    subject: 'failed requests',
    expected: e.value,
    observed: failed,
    tolerance: null,
    message: `${pos}: failed requests: expected at most ${e.value}, observed ${failed}${parts.length ? ` (${parts.join(', ')})` : ''}`,
  };
}

function checkMinPValue(
  e: Extract<Expectation, { kind: 'minPValue' }>,
  ctx: ExpectationContext,
): ExpectationResult {
  const pos = formatPos(e.pos);
  const groups = ctx.report.groups.filter((g) => e.group === undefined || groupMatches(g, e.group));
  let worst: { p: number; label: string } | null = null;
  let tested = 0;
  let skipped = 0;
  for (const g of groups)
    for (const ep of g.epochs) {
      const f = ep.fidelity;
      if (f.pValue === null || f.minExpected === null) continue;
      if (f.minExpected < MIN_EXPECTED_FOR_CHI_SQUARE) {
        skipped++;
        continue;
      }
      tested++;
      if (worst === null || f.pValue < worst.p)
        worst = { p: f.pValue, label: `${g.scope} epoch ${ep.epoch}` };
    }
  const subject = e.group ?? 'all groups';
  if (worst === null)
    return {
      kind: 'minPValue',
      pos,
      passed: false,
      subject,
      expected: e.value,
      observed: null,
      tolerance: null,
      message: `${pos}: χ² p-value of ${subject}: no epoch had enough requests for the test (every expected count ≥ ${MIN_EXPECTED_FOR_CHI_SQUARE}${skipped ? `; ${skipped} epoch(s) too small` : ''})`,
    };
  return {
    kind: 'minPValue',
    pos,
    passed: worst.p >= e.value,
    subject,
    expected: e.value,
    observed: sig6(worst.p),
    tolerance: null,
    message: `${pos}: χ² p-value of ${subject}: expected ≥ ${e.value}, lowest ${sig6(worst.p)} (${worst.label}; ${tested} epoch(s) tested${skipped ? `, ${skipped} too small` : ''})`,
  };
}
