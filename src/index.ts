/**
 * slbsim's public library surface. Everything a program needs to load scenarios, fold topology
 * events, route requests with CLB's semantics, replay traffic and read the results; internal
 * helpers stay behind their modules. Exports are kept in path order, so they read by concept in the
 * order of the data flow's folders: engine, import, journal, logs, pipeline, plan, record, report,
 * routing, scale, scenario, schedulers, topology, util (docs/ARCHITECTURE.md).
 */

export { type CutUnit, planCut, ShardCut, type ShardOption } from './engine/shard-cut.js';
export { type Progress, type RunOptions, Simulation, worldAt } from './engine/simulation.js';
export { type AliyunImportOptions, importAliyun } from './import/aliyun-import.js';
export type { ImportResult } from './import/import-result.js';
export { importTerraform, type TerraformImportOptions } from './import/terraform-import.js';
export { JournalDictionary } from './journal/dictionary.js';
export * from './journal/journal-batch.js';
export { JournalFileWriter, JournalFormatError, readJournalFile } from './journal/journal-file.js';
export * from './journal/journal-rows.js';
export { checkAccessLog, type LogCheckOptions } from './logs/check-access-log.js';
export { formatLogProblem, type LogProblem, LogReader, logFormatOf } from './logs/log-reader.js';
export { LOGS_FORMATS, type LogsFormat, renderLogsReport } from './logs/logs-render.js';
export type * from './logs/logs-report-model.js';
export {
  type ReplayOptions,
  type ReplayResult,
  replayScenario,
  simulateScenario,
} from './pipeline/replay.js';
export { changeRejections, changeSpan, withChange } from './plan/apply-change.js';
export { type Change, type ChangeLoadResult, loadChange, loadChangeText } from './plan/change-file.js';
export { type PlanOptions, type PlanResult, planChange } from './plan/plan-change.js';
export {
  PLAN_SCHEMA,
  type PlanBackend,
  type PlanClients,
  type PlanGroup,
  type PlanListener,
  type PlanReport,
  type PlanRouteChange,
  type PlanRule,
} from './plan/plan-model.js';
export { isPlanFormat, PLAN_FORMATS, type PlanFormat, renderPlan } from './plan/plan-render.js';
export type { RecordRow } from './record/columns.js';
export { openRecordWriter, recordFormatOf } from './record/open.js';
export { readRecordFile } from './record/read.js';
export { compareDistributions } from './report/distribution-compare.js';
export {
  isReportFormat,
  REPORT_FORMATS,
  type ReportFormat,
  renderReport,
  writeReportFiles,
} from './report/render/render-report.js';
export type { Report } from './report/report-model.js';
export { createReportProjections, reportFromBatches, reportFromStates } from './report/report-projection.js';
export { REPORT_STATE_SCHEMA, ReportMergeError, type ReportState } from './report/report-state.js';
export {
  Balancer,
  type BalancerObserver,
  type BalancerOptions,
  type ConnectionRef,
  RouteResult,
} from './routing/balancer.js';
export { type Decision, type ExplainRequest, explain } from './routing/explain.js';
export {
  type AttemptFailure,
  FAILURE_BROKEN,
  FAILURE_CONNECT,
  FAILURE_CONNECT_TIMEOUT,
  FAILURE_READ_TIMEOUT,
  Forwarder,
  TriedSet,
  triesNextUpstream,
} from './routing/forwarder.js';
export { normalizeHost, validateHost } from './routing/host.js';
export * from './routing/outcomes.js';
export {
  type CompiledTopology,
  type CompileOptions,
  compileTopology as compileRoutes,
  type ListenerSpec,
  type ScopeSpec,
} from './routing/route-compiler.js';
export {
  MATCH_BAD_REQUEST,
  matchKindOf,
  RuleMatcher,
  type RuleMatching,
  type UrlMatching,
} from './routing/rule-matcher.js';
export { explainUri, normalizeUri, normalUriEnd, type UriExplanation } from './routing/uri-normalize.js';
export { type K8sJob, type K8sJobOptions, k8sJob, renderK8sJob } from './scale/k8s-job.js';
export { formatSeeds, parseSeeds } from './scale/seed-range.js';
export { replayOnWorkers, type ShardedRunOptions } from './scale/shard-pool.js';
export { runShardTask, type ShardTask } from './scale/shard-worker.js';
export type { Spread, SpreadBackend, SpreadEpoch, Stat } from './scale/spread.js';
export { renderSpread, SWEEP_FORMATS, type SweepFormat } from './scale/spread-render.js';
export { type SweepOptions, sweepScenario, sweepVariants, type VariantSweepOptions } from './scale/sweep.js';
export type {
  VariantInfo,
  VariantMaxShare,
  VariantResult,
  VariantSpread,
  VariantWorstTvd,
} from './scale/variant-spread.js';
export { renderVariantSpread } from './scale/variant-spread-render.js';
export {
  loadVariants,
  loadVariantsText,
  type Variant,
  type VariantsFile,
  type VariantsLoadResult,
  variantRejections,
} from './scale/variants-file.js';
export { checkScenario } from './scenario/check.js';
export { stateAt } from './scenario/fold-at.js';
export { type LoadResult, loadScenario, loadScenarioText, MAX_SCENARIO_BYTES } from './scenario/load.js';
export { HORIZON_US, MAX_EVENTS, MAX_REQUESTS } from './scenario/scenario-compiler.js';
export type * from './scenario/scenario-model.js';
export { scenarioJsonSchema } from './scenario/schema.js';
export { MAX_NESTING } from './scenario/source.js';
export { readTrace } from './scenario/trace.js';
export { DEFAULT_CLIENTS, DEFAULT_RATE, SINGLE_CLIENT } from './scenario/traffic-defaults.js';
export { SchedulerCluster } from './schedulers/cluster.js';
export { createScheduler } from './schedulers/factory.js';
export { hash4, hashIp, hashString } from './schedulers/hash.js';
export * from './schedulers/scheduler.js';
export { SourceIpPersistence, stickyCookieValue } from './schedulers/sticky.js';
export { acceptedParams, apply, fold, modelledParams } from './topology/apply.js';
export * from './topology/clb-errors.js';
export { describeState } from './topology/describe.js';
export * from './topology/events.js';
export * from './topology/lookup.js';
export type { ApplyResult } from './topology/result.js';
export * from './topology/scheduler-names.js';
export { renderTree } from './topology/tree.js';
export * from './topology/types.js';
export { OutputWriteError } from './util/output-file.js';
export { VERSION } from './util/version.js';
