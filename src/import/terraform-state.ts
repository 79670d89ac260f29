/**
 * The resources of a Terraform state, from either form Terraform writes:
 * - `terraform show -json`: `values.root_module.resources[]` (each with `address` and `values`),
 *   child modules under `child_modules[]`, recursively;
 * - a raw version-4 state file: `resources[]`, each with `instances[].attributes` (an instance per
 *   `count`/`for_each` key).
 * Each resource instance comes with its Terraform address and the node of its attributes, so
 * everything read from it can be reported at its place in the file.
 */
import type { ImportLog } from './import-log.js';
import { isObject, type JsonNode } from './json-input.js';

export interface TfResource {
  /** `module.edge.alicloud_slb_listener.http["80"]`. */
  readonly address: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly attributes: JsonNode;
}

export type StateFormat = 'show-json' | 'state-v4';

function indexSuffix(key: unknown): string {
  if (key === undefined || key === null) return '';
  return typeof key === 'number' ? `[${key}]` : `[${JSON.stringify(String(key))}]`;
}

function showJsonModule(module: JsonNode, out: TfResource[]): void {
  for (const r of module.at('resources').items()) {
    const type = String(r.at('type').value ?? '');
    const mode = r.at('mode').value === 'data' ? 'data' : 'managed';
    const address =
      typeof r.at('address').value === 'string'
        ? String(r.at('address').value)
        : `${mode === 'data' ? 'data.' : ''}${type}.${String(r.at('name').value)}${indexSuffix(r.at('index').value)}`;
    out.push({ address, mode, type, attributes: r.at('values') });
  }
  for (const child of module.at('child_modules').items()) showJsonModule(child, out);
}

function stateV4(root: JsonNode, out: TfResource[]): void {
  for (const r of root.at('resources').items()) {
    const type = String(r.at('type').value ?? '');
    const mode = r.at('mode').value === 'data' ? 'data' : 'managed';
    const module = typeof r.at('module').value === 'string' ? `${String(r.at('module').value)}.` : '';
    const base = `${module}${mode === 'data' ? 'data.' : ''}${type}.${String(r.at('name').value)}`;
    for (const inst of r.at('instances').items())
      out.push({
        address: `${base}${indexSuffix(inst.at('index_key').value)}`,
        mode,
        type,
        attributes: inst.at('attributes'),
      });
  }
}

/** The resources of a parsed state file, or undefined (with a problem logged) when it is not one. */
export function stateResources(
  root: JsonNode,
  log: ImportLog,
): { format: StateFormat; resources: TfResource[] } | undefined {
  const resources: TfResource[] = [];
  if (!root.isObject()) {
    log.error(
      root,
      'UnknownShape',
      'expected a Terraform state: an object (terraform show -json, or a .tfstate file)',
    );
    return undefined;
  }
  if (root.has('format_version') && (root.has('planned_values') || root.has('resource_changes'))) {
    log.error(
      root,
      'UnsupportedState',
      'this is a plan (terraform show -json <planfile>), not a state: import `terraform show -json` of the state',
    );
    return undefined;
  }
  if (root.has('format_version')) {
    const values = root.at('values');
    if (isObject(values.value)) showJsonModule(values.at('root_module'), resources);
    return { format: 'show-json', resources };
  }
  const version = root.at('version').value;
  if (version === 4) {
    stateV4(root, resources);
    return { format: 'state-v4', resources };
  }
  if (typeof version === 'number') {
    log.error(
      root.at('version'),
      'UnsupportedState',
      `Terraform state version ${version} is not supported: import the output of \`terraform show -json\` (any Terraform ≥ 0.12) or a version-4 state`,
    );
    return undefined;
  }
  log.error(
    root,
    'UnknownShape',
    'not a Terraform state: expected `terraform show -json` output ({"format_version", "values": …}) or a raw state ({"version": 4, "resources": […]})',
  );
  return undefined;
}
