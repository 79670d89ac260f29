/**
 * A plan as a scenario file in the OpenAPI-events form (`instances:` + `events:`, like
 * scenarios/seed-case-events.yaml), written with the `yaml` library's Document API so every
 * instance and every call carries a comment saying where it came from, and the header lists the
 * inputs and the notices. Backend entries and short parameter lists are written as flow maps, one
 * per line; `on`/`off` are quoted so YAML 1.1 tools read them as strings too.
 */
import { Document, isMap, isScalar, isSeq, Scalar, visit, type YAMLMap, type YAMLSeq } from 'yaml';
import type { Plan, PlannedCall } from './event-plan.js';

export interface ScenarioMeta {
  readonly name: string;
  readonly description: string;
  /** Comment lines at the top of the file (without `#`). */
  readonly header: readonly string[];
}

/** Lists whose items are backend entries or rules: written one item per line. */
const ENTRY_LISTS = new Set(['BackendServers', 'MasterSlaveBackendServers', 'RuleList']);
/** A rule item with more keys than this is written as a block map. */
const FLOW_KEYS = 6;

function isScalarValue(v: unknown): boolean {
  return v === null || typeof v !== 'object';
}

function eventValue(c: PlannedCall): Record<string, unknown> {
  return { action: c.action, params: c.params };
}

function styleEvent(node: YAMLMap, c: PlannedCall): void {
  const params = node.get('params', true) as YAMLMap | undefined;
  if (!params) return;
  const values = Object.values(c.params);
  if (values.length <= 3 && values.every(isScalarValue)) params.flow = true;
  for (const pair of params.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!ENTRY_LISTS.has(key) || !isSeq(pair.value)) continue;
    const comments = c.itemComments[key];
    (pair.value as YAMLSeq).items.forEach((item, i) => {
      if (!isMap(item)) return;
      if (item.items.length <= FLOW_KEYS) item.flow = true;
      if (comments?.[i]) item.commentBefore = ` ${comments[i]}`;
    });
  }
}

/** The scenario text for `plan`. */
export function writeScenario(plan: Plan, meta: ScenarioMeta): string {
  const doc = new Document({
    version: 1,
    name: meta.name,
    description: meta.description,
    ...(plan.instances.length > 0 ? { instances: plan.instances.map((c) => c.params) } : {}),
    events: plan.events.map(eventValue),
  });
  doc.commentBefore = meta.header.map((l) => (l === '' ? '' : ` ${l}`)).join('\n');
  const root = doc.contents as YAMLMap;
  const section = (name: string): YAMLSeq | undefined => {
    const pair = root.items.find((p) => isScalar(p.key) && p.key.value === name);
    if (pair && isScalar(pair.key)) pair.key.spaceBefore = true;
    return pair?.value as YAMLSeq | undefined;
  };
  const instances = section('instances');
  instances?.items.forEach((item, i) => {
    const m = item as YAMLMap;
    m.flow = true;
    m.commentBefore = ` ${plan.instances[i].comment}`;
  });
  section('events')?.items.forEach((item, i) => {
    const m = item as YAMLMap;
    const c = plan.events[i];
    m.commentBefore = ` ${c.comment}`;
    if (i > 0) m.spaceBefore = true;
    styleEvent(m, c);
  });
  visit(doc, {
    Scalar(_key, node) {
      if (node.value === 'on' || node.value === 'off') node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true });
}
