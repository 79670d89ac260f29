/**
 * The Kubernetes manifests that run one scenario as N shards on a cluster, with no scheduler of
 * our own: a ConfigMap holding the scenario file (and the trace it replays), an Indexed Job whose
 * pod K runs `slbsim run <scenario> --shard K/N --out /results/shard-K` (K from the Job's
 * completion index), and a merge Job running `slbsim merge` over the N reports. Results go to a
 * shared volume (a PersistentVolumeClaim mounted at /results) or to an object store, through a
 * stock CLI container that copies a pod's /results (`aws s3 sync`, `gcloud storage rsync`).
 *
 * The merge Job must start after the Indexed Job completed: the manifests carry the label
 * `app.kubernetes.io/component: shards | merge`, so one file serves both steps (`kubectl apply -l`,
 * `kubectl wait`, see the header comment and docs/SCALE.md). Plain objects in, YAML out: the same
 * options always print the same bytes.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, sep } from 'node:path';
import { Document } from 'yaml';
import type { Scenario } from '../scenario/scenario-model.js';
import { UserError } from '../util/user-error.js';
import { VERSION } from '../util/version.js';

/** At most this many shards (the merge Job lists every shard's report in its arguments). */
export const MAX_SHARDS = 10_000;
/** What a ConfigMap may hold (1 MiB, keys and values). */
export const CONFIGMAP_LIMIT = 1024 * 1024;
/** The completion index Kubernetes gives each pod of an Indexed Job (`$(…)` in args expands it). */
export const INDEX_VAR = 'JOB_COMPLETION_INDEX';
export const INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';
/** The user of the node image (`node`, uid 1000) that the Dockerfile runs as. */
const RUN_AS = 1000;
const SCENARIO_DIR = '/scenario';
const RESULTS_DIR = '/results';

export const UPLOADER_IMAGES = {
  s3: 'amazon/aws-cli:latest',
  gs: 'gcr.io/google.com/cloudsdktool/google-cloud-cli:slim',
} as const;

export interface K8sJobOptions {
  /** The scenario file as the user typed it. */
  readonly file: string;
  /** The loaded scenario (its name and trace). */
  readonly scenario: Scenario;
  readonly shards: number;
  readonly image: string;
  /** Pods at once (default: every shard). */
  readonly parallelism?: number;
  /** A ReadWriteMany PersistentVolumeClaim mounted at /results. */
  readonly pvc?: string;
  /** An object store prefix: `s3://bucket/prefix` or `gs://bucket/prefix`. */
  readonly output?: string;
  /** The Job's name (default `slbsim-<scenario name>`); the merge Job adds `-merge`. */
  readonly name?: string;
  readonly namespace?: string;
  /** Retries of one shard before the Job fails (`backoffLimitPerIndex`, default 1). */
  readonly retries?: number;
  /** CPU request of a pod (default `1`). */
  readonly cpu?: string;
  /** Memory request and limit of a pod (default `1Gi`). */
  readonly memory?: string;
  readonly serviceAccount?: string;
  /** Passed to every shard's `slbsim run`. */
  readonly seed?: string;
  readonly requests?: number;
  /** The image of the copy containers in object-store mode (default per scheme, `UPLOADER_IMAGES`). */
  readonly uploaderImage?: string;
}

/** A Kubernetes object as plain JSON-ready data. */
export type Manifest = Record<string, unknown>;

export interface K8sJob {
  readonly name: string;
  readonly namespace: string | undefined;
  readonly configMap: Manifest;
  readonly shardJob: Manifest;
  readonly mergeJob: Manifest;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** The Job name leaves room for `-merge` within a label's 63 characters. */
const MAX_NAME = 63 - '-merge'.length;
const CONFIGMAP_KEY = /[^-._a-zA-Z0-9]/g;

function fail(message: string): never {
  throw new UserError([message]);
}

/** `slbsim-<scenario name>` as a DNS label. */
export function defaultJobName(scenarioName: string): string {
  const base = `slbsim-${scenarioName}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-');
  return base.slice(0, MAX_NAME).replace(/-+$/, '');
}

function checkName(option: string, value: string, max: number): void {
  if (value.length > max || !DNS_LABEL.test(value))
    fail(
      `${option}: "${value}" is not a Kubernetes name (lower-case letters, digits and '-', starting and ending with a letter or digit, at most ${max} characters)`,
    );
}

interface ObjectStore {
  readonly scheme: 's3' | 'gs';
  /** The prefix without a trailing slash. */
  readonly url: string;
}

function objectStore(output: string): ObjectStore {
  const m = /^(s3|gs):\/\/([^/\s]+)(\/[^\s]*)?$/.exec(output);
  if (m === null) fail(`--output: expected s3://bucket/prefix or gs://bucket/prefix, got "${output}"`);
  return { scheme: m[1] as 's3' | 'gs', url: output.replace(/\/+$/, '') };
}

/** The command of a copy container: the contents of `from` into `to` (a local dir or a store prefix). */
function syncCommand(store: ObjectStore, from: string, to: string): { command: string[]; args: string[] } {
  return store.scheme === 's3'
    ? { command: ['aws'], args: ['s3', 'sync', '--only-show-errors', from, to] }
    : { command: ['gcloud'], args: ['storage', 'rsync', '--recursive', from, to] };
}

interface ScenarioFiles {
  /** In the mounted /scenario directory. */
  readonly scenarioPath: string;
  /** ConfigMap data and the volume items that lay it out. */
  readonly data: Record<string, string>;
  readonly items: { key: string; path: string }[];
}

/** The scenario file and its trace, as ConfigMap data laid out as they are beside each other. */
function scenarioFiles(file: string, scenario: Scenario): ScenarioFiles {
  const data: Record<string, string> = {};
  const items: { key: string; path: string }[] = [];
  const add = (path: string, text: string): void => {
    let key = path.replace(CONFIGMAP_KEY, '-');
    while (key in data) key = `_${key}`;
    data[key] = text;
    items.push({ key, path });
  };
  const name = basename(file);
  add(name, readText(file));
  const trace = scenario.traffic?.trace;
  if (trace !== undefined) {
    const rel = relative(dirname(scenario.file), trace.file);
    if (rel.startsWith('..') || isAbsolute(rel))
      fail(
        `k8s-job: the trace ${trace.file} is outside the scenario's folder; move it beside ${file} (e.g. traces/) so both fit in the ConfigMap`,
      );
    add(rel.split(sep).join('/'), readText(trace.file));
  }
  let size = 0;
  for (const [k, v] of Object.entries(data)) size += Buffer.byteLength(k) + Buffer.byteLength(v);
  if (size > CONFIGMAP_LIMIT)
    fail(
      `k8s-job: the scenario and its trace are ${size} bytes, more than a ConfigMap holds (${CONFIGMAP_LIMIT}); cut the trace or replay it from the volume`,
    );
  return { scenarioPath: `${SCENARIO_DIR}/${name}`, data, items };
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    return fail(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/** Build the three manifests; a bad option is a UserError naming it. */
export function k8sJob(opts: K8sJobOptions): K8sJob {
  if (!Number.isInteger(opts.shards) || opts.shards < 1 || opts.shards > MAX_SHARDS)
    fail(`--shards: expected a whole number from 1 to ${MAX_SHARDS}, got ${opts.shards}`);
  if (opts.image.trim() === '' || /\s/.test(opts.image))
    fail(`--image: expected an image reference, got "${opts.image}"`);
  if ((opts.pvc === undefined) === (opts.output === undefined))
    fail(
      'k8s-job: give either --pvc NAME (a ReadWriteMany claim) or --output s3://… | gs://… for the results',
    );
  if (opts.pvc !== undefined) checkName('--pvc', opts.pvc, 253);
  const store = opts.output === undefined ? undefined : objectStore(opts.output);
  const name = opts.name ?? defaultJobName(opts.scenario.name);
  checkName('--name', name, MAX_NAME);
  if (opts.namespace !== undefined) checkName('--namespace', opts.namespace, 63);
  if (opts.serviceAccount !== undefined) checkName('--service-account', opts.serviceAccount, 253);
  const retries = opts.retries ?? 1;
  if (!Number.isInteger(retries) || retries < 0) fail(`--retries: expected a whole number, got ${retries}`);
  const n = opts.shards;
  const files = scenarioFiles(opts.file, opts.scenario);
  const meta = (objName: string, component: 'shards' | 'merge') => ({
    name: objName,
    ...(opts.namespace === undefined ? {} : { namespace: opts.namespace }),
    labels: labels(name, component),
  });
  const configMapName = `${name}-scenario`;
  const configMap: Manifest = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(configMapName, 'shards'),
    data: files.data,
  };

  const index = `$(${INDEX_VAR})`;
  const shardDir = `${RESULTS_DIR}/shard-${index}`;
  const runArgs = ['run', files.scenarioPath, '--shard', `${index}/${n}`, '--out', shardDir, '--quiet'];
  if (opts.seed !== undefined) runArgs.push('--seed', opts.seed);
  if (opts.requests !== undefined) runArgs.push('--requests', String(opts.requests));
  const indexEnv = [
    {
      name: INDEX_VAR,
      valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${INDEX_ANNOTATION}']` } },
    },
  ];
  const resources = {
    requests: { cpu: opts.cpu ?? '1', memory: opts.memory ?? '1Gi' },
    limits: { memory: opts.memory ?? '1Gi' },
  };
  const slbsim = (containerName: string, args: string[], mounts: Manifest[], env?: Manifest[]): Manifest => ({
    name: containerName,
    image: opts.image,
    args,
    ...(env === undefined ? {} : { env }),
    resources,
    volumeMounts: mounts,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: RUN_AS,
      runAsGroup: RUN_AS,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    },
  });
  const copier = (containerName: string, from: string, to: string, env?: Manifest[]): Manifest => ({
    name: containerName,
    image: opts.uploaderImage ?? UPLOADER_IMAGES[store!.scheme],
    ...syncCommand(store!, from, to),
    ...(env === undefined ? {} : { env }),
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi' } },
    volumeMounts: [{ name: 'results', mountPath: RESULTS_DIR }],
  });
  const resultsVolume =
    opts.pvc !== undefined
      ? { name: 'results', persistentVolumeClaim: { claimName: opts.pvc } }
      : { name: 'results', emptyDir: {} };
  const scenarioMount = { name: 'scenario', mountPath: SCENARIO_DIR, readOnly: true };
  const resultsMount = { name: 'results', mountPath: RESULTS_DIR };
  const podSpec = (spec: Manifest): Manifest => ({
    restartPolicy: 'Never',
    ...(opts.serviceAccount === undefined ? {} : { serviceAccountName: opts.serviceAccount }),
    securityContext: { fsGroup: RUN_AS },
    ...spec,
  });

  const shard = slbsim('shard', runArgs, [scenarioMount, resultsMount], indexEnv);
  const shardPod = podSpec(
    store === undefined
      ? { containers: [shard] }
      : {
          initContainers: [shard],
          containers: [copier('upload', shardDir, `${store.url}/shard-${index}`, indexEnv)],
        },
  );
  shardPod.volumes = [
    { name: 'scenario', configMap: { name: configMapName, items: files.items } },
    resultsVolume,
  ];
  const shardJob: Manifest = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta(name, 'shards'),
    spec: {
      completionMode: 'Indexed',
      completions: n,
      parallelism: Math.min(opts.parallelism ?? n, n),
      backoffLimitPerIndex: retries,
      // One shard lost for good makes the merge impossible: fail the Job at once.
      maxFailedIndexes: 0,
      podFailurePolicy: {
        rules: [
          // Exit code 2 is bad input: the same on every retry.
          { action: 'FailJob', onExitCodes: { containerName: 'shard', operator: 'In', values: [2] } },
          // A pod evicted or preempted is not the shard's failure.
          { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
        ],
      },
      template: { metadata: { labels: labels(name, 'shards') }, spec: shardPod },
    },
  };

  const reports = Array.from({ length: n }, (_, k) => `${RESULTS_DIR}/shard-${k}/report.json`);
  const merged = `${RESULTS_DIR}/merged`;
  const merge = slbsim('merge', ['merge', ...reports, '--out', merged], [resultsMount]);
  const mergePod = podSpec(
    store === undefined
      ? { containers: [merge] }
      : {
          initContainers: [copier('download', store.url, RESULTS_DIR), merge],
          containers: [copier('upload', merged, `${store.url}/merged`)],
        },
  );
  mergePod.volumes = [resultsVolume];
  const mergeJob: Manifest = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta(`${name}-merge`, 'merge'),
    spec: {
      backoffLimit: 2,
      podFailurePolicy: {
        rules: [
          // 1: an expectation failed (the merged report is written); 2: bad input. Retrying changes neither.
          { action: 'FailJob', onExitCodes: { containerName: 'merge', operator: 'In', values: [1, 2] } },
          { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
        ],
      },
      template: { metadata: { labels: labels(name, 'merge') }, spec: mergePod },
    },
  };
  return { name, namespace: opts.namespace, configMap, shardJob, mergeJob };
}

function labels(instance: string, component: 'shards' | 'merge'): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'slbsim',
    'app.kubernetes.io/instance': instance,
    'app.kubernetes.io/component': component,
  };
}

/** The manifests as one multi-document YAML file, with the steps to run it in a header comment. */
export function renderK8sJob(job: K8sJob, about: { readonly file: string; readonly shards: number }): string {
  const ns = job.namespace === undefined ? '' : ` -n ${job.namespace}`;
  const header = [
    ` slbsim k8s-job: ${about.file} in ${about.shards} shard${about.shards === 1 ? '' : 's'} (slbsim ${VERSION}).`,
    ' The shards first, then the merge once every shard completed:',
    `   kubectl apply${ns} -f job.yaml -l app.kubernetes.io/component=shards`,
    `   kubectl wait${ns} --for=condition=complete --timeout=24h job/${job.name}`,
    `   kubectl apply${ns} -f job.yaml -l app.kubernetes.io/component=merge`,
    `   kubectl wait${ns} --for=condition=complete --timeout=1h job/${job.name}-merge`,
    `   kubectl logs${ns} job/${job.name}-merge`,
  ].join('\n');
  const docs = [job.configMap, job.shardJob, job.mergeJob].map((m, i) => {
    // Objects shared between containers (env, resources) are written out, not as YAML aliases.
    const doc = new Document(m, { aliasDuplicateObjects: false });
    if (i === 0) doc.commentBefore = header;
    return doc.toString({ lineWidth: 0 });
  });
  return docs.join('---\n');
}
