import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { type K8sJobOptions, k8sJob, renderK8sJob } from '../../src/scale/k8s-job.js';
import { loadScenario } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/scenario-model.js';
import { UserError } from '../../src/util/user-error.js';

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML, walked freely
type Obj = Record<string, any>;

function scenario(file: string): Scenario {
  const loaded = loadScenario(file);
  if (!loaded.ok) throw new Error(`${file} does not load`);
  return loaded.scenario;
}

const SEED = { file: 'scenarios/seed-case.yaml', scenario: scenario('scenarios/seed-case.yaml') };
const TRACE = { file: 'scenarios/trace-replay.yaml', scenario: scenario('scenarios/trace-replay.yaml') };

function yamlOf(opts: Partial<K8sJobOptions> & Pick<K8sJobOptions, 'file' | 'scenario'>): string {
  const full = { shards: 4, image: 'registry.example.com/slbsim:0.1.0', pvc: 'slbsim-results', ...opts };
  return renderK8sJob(k8sJob(full), { file: full.file, shards: full.shards });
}

function docs(yaml: string): Obj[] {
  const parsed = parseAllDocuments(yaml);
  for (const d of parsed) expect(d.errors).toEqual([]);
  return parsed.map((d) => d.toJS() as Obj);
}

/** Validate against the Kubernetes JSON schemas (kubernetes-models); throws on the first violation. */
function validate(objs: Obj[]): void {
  for (const o of objs) {
    if (o.kind === 'ConfigMap') new ConfigMap(o as never).validate();
    else if (o.kind === 'Job') new Job(o as never).validate();
    else throw new Error(`unexpected kind ${o.kind}`);
  }
}

function allContainers(job: Obj): Obj[] {
  const spec = job.spec.template.spec;
  return [...(spec.initContainers ?? []), ...spec.containers];
}

function problem(opts: Partial<K8sJobOptions>): string {
  try {
    yamlOf({ ...SEED, ...opts });
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as UserError).problems.join('\n');
  }
  throw new Error('no error');
}

const VARIANTS: [string, Partial<K8sJobOptions> & Pick<K8sJobOptions, 'file' | 'scenario'>][] = [
  ['a claim', { ...SEED }],
  [
    'a trace, a namespace and overrides',
    { ...TRACE, namespace: 'sim', seed: '7', requests: 500, parallelism: 2, retries: 0 },
  ],
  ['S3', { ...SEED, pvc: undefined, output: 's3://bucket/runs/seed/', serviceAccount: 'slbsim' }],
  ['GCS', { ...SEED, pvc: undefined, output: 'gs://bucket/runs', cpu: '500m', memory: '256Mi' }],
];

describe('k8sJob', () => {
  it.each(VARIANTS)(
    'writes a ConfigMap, an Indexed Job and a merge Job that the Kubernetes schemas accept (%s)',
    (_, opts) => {
      const objs = docs(yamlOf(opts));
      expect(objs.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`)).toEqual([
        `v1 ConfigMap ${objs[1].metadata.name}-scenario`,
        `batch/v1 Job ${objs[1].metadata.name}`,
        `batch/v1 Job ${objs[1].metadata.name}-merge`,
      ]);
      expect(() => validate(objs)).not.toThrow();
    },
  );

  it('rejects what the schemas reject (the validation is not a no-op)', () => {
    const [, job] = docs(yamlOf(SEED));
    job.spec.completions = 'four';
    expect(() => validate([job])).toThrow(/completions must be integer/);
  });

  it('runs shard K of N from the completion index, with the variable defined where $(…) uses it', () => {
    const [, job, merge] = docs(yamlOf({ ...SEED, seed: 'x', requests: 900 }));
    expect(job.spec).toMatchObject({
      completionMode: 'Indexed',
      completions: 4,
      parallelism: 4,
      backoffLimitPerIndex: 1,
      maxFailedIndexes: 0,
    });
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    const [shard] = job.spec.template.spec.containers;
    expect(shard.args).toEqual([
      'run',
      '/scenario/seed-case.yaml',
      '--shard',
      '$(JOB_COMPLETION_INDEX)/4',
      '--out',
      '/results/shard-$(JOB_COMPLETION_INDEX)',
      '--quiet',
      '--seed',
      'x',
      '--requests',
      '900',
    ]);
    expect(merge.spec.template.spec.containers[0].args).toEqual([
      'merge',
      '/results/shard-0/report.json',
      '/results/shard-1/report.json',
      '/results/shard-2/report.json',
      '/results/shard-3/report.json',
      '--out',
      '/results/merged',
    ]);
    for (const j of [job, merge])
      for (const c of allContainers(j)) {
        const used = [
          ...[...(c.command ?? []), ...c.args].join(' ').matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g),
        ].map((m) => m[1]);
        const defined = (c.env ?? []).map((e: Obj) => e.name);
        for (const v of used) expect(defined, `${c.name} uses $(${v})`).toContain(v);
      }
    expect(shard.env).toEqual([
      {
        name: 'JOB_COMPLETION_INDEX',
        valueFrom: {
          fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" },
        },
      },
    ]);
  });

  it('mounts the scenario and its trace from the ConfigMap as they lie beside each other', () => {
    const [cm, job] = docs(yamlOf(TRACE));
    expect(cm.data).toEqual({
      'trace-replay.yaml': readFileSync('scenarios/trace-replay.yaml', 'utf8'),
      'traces-access-log.csv': readFileSync('scenarios/traces/access-log.csv', 'utf8'),
    });
    const volume = job.spec.template.spec.volumes.find((v: Obj) => v.name === 'scenario');
    expect(volume.configMap.items).toEqual([
      { key: 'trace-replay.yaml', path: 'trace-replay.yaml' },
      { key: 'traces-access-log.csv', path: 'traces/access-log.csv' },
    ]);
  });

  it('labels the steps so one file applies as shards, then merge', () => {
    const objs = docs(yamlOf(SEED));
    expect(objs.map((o) => o.metadata.labels['app.kubernetes.io/component'])).toEqual([
      'shards',
      'shards',
      'merge',
    ]);
    expect(objs[1].spec.template.metadata.labels['app.kubernetes.io/component']).toBe('shards');
    const text = yamlOf({ ...SEED, namespace: 'sim' });
    expect(text.split('\n').slice(0, 8)).toEqual([
      '# slbsim k8s-job: scenarios/seed-case.yaml in 4 shards (slbsim 0.1.0).',
      '# The shards first, then the merge once every shard completed:',
      '#   kubectl apply -n sim -f job.yaml -l app.kubernetes.io/component=shards',
      '#   kubectl wait -n sim --for=condition=complete --timeout=24h job/slbsim-seed-case',
      '#   kubectl apply -n sim -f job.yaml -l app.kubernetes.io/component=merge',
      '#   kubectl wait -n sim --for=condition=complete --timeout=1h job/slbsim-seed-case-merge',
      '#   kubectl logs -n sim job/slbsim-seed-case-merge',
      '',
    ]);
  });

  it('copies results through an object store with init containers and a copy container', () => {
    const [, job, merge] = docs(yamlOf({ ...SEED, pvc: undefined, output: 's3://bucket/runs/seed/' }));
    const shardPod = job.spec.template.spec;
    expect(shardPod.initContainers.map((c: Obj) => c.name)).toEqual(['shard']);
    expect(shardPod.containers.map((c: Obj) => [c.name, c.image, [...c.command, ...c.args]])).toEqual([
      [
        'upload',
        'amazon/aws-cli:latest',
        [
          'aws',
          's3',
          'sync',
          '--only-show-errors',
          '/results/shard-$(JOB_COMPLETION_INDEX)',
          's3://bucket/runs/seed/shard-$(JOB_COMPLETION_INDEX)',
        ],
      ],
    ]);
    expect(shardPod.volumes.find((v: Obj) => v.name === 'results')).toEqual({
      name: 'results',
      emptyDir: {},
    });
    const mergePod = merge.spec.template.spec;
    expect(allContainers(merge).map((c: Obj) => c.name)).toEqual(['download', 'merge', 'upload']);
    expect(mergePod.initContainers[0].args).toEqual([
      's3',
      'sync',
      '--only-show-errors',
      's3://bucket/runs/seed',
      '/results',
    ]);
    expect(mergePod.containers[0].args).toEqual([
      's3',
      'sync',
      '--only-show-errors',
      '/results/merged',
      's3://bucket/runs/seed/merged',
    ]);
    const [, gsJob] = docs(yamlOf({ ...SEED, pvc: undefined, output: 'gs://b/p' }));
    const upload = gsJob.spec.template.spec.containers[0];
    expect([...upload.command, ...upload.args]).toEqual([
      'gcloud',
      'storage',
      'rsync',
      '--recursive',
      '/results/shard-$(JOB_COMPLETION_INDEX)',
      'gs://b/p/shard-$(JOB_COMPLETION_INDEX)',
    ]);
  });

  it('prints the same bytes for the same options', () => {
    expect(yamlOf(TRACE)).toBe(yamlOf(TRACE));
  });

  it('rejects options Kubernetes or the layout cannot take, with one message', () => {
    expect(problem({ pvc: undefined })).toBe(
      'k8s-job: give either --pvc NAME (a ReadWriteMany claim) or --output s3://… | gs://… for the results',
    );
    expect(problem({ output: 's3://b' })).toMatch(/^k8s-job: give either/);
    expect(problem({ pvc: undefined, output: 'http://b/p' })).toBe(
      '--output: expected s3://bucket/prefix or gs://bucket/prefix, got "http://b/p"',
    );
    expect(problem({ name: 'Slbsim_Run' })).toMatch(/^--name: "Slbsim_Run" is not a Kubernetes name/);
    expect(problem({ name: 'x'.repeat(58) })).toMatch(/at most 57 characters\)$/);
    expect(problem({ shards: 0 })).toBe('--shards: expected a whole number from 1 to 10000, got 0');
    expect(problem({ shards: 10_001 })).toBe('--shards: expected a whole number from 1 to 10000, got 10001');
    expect(problem({ image: 'a b' })).toBe('--image: expected an image reference, got "a b"');
    // A scenario in sub/ whose trace lies in the folder above.
    const dir = mkdtempSync(join(tmpdir(), 'slbsim-k8s-'));
    mkdirSync(join(dir, 'sub'));
    copyFileSync('scenarios/traces/access-log.csv', join(dir, 'access-log.csv'));
    const outside = join(dir, 'sub', 'outside.yaml');
    writeFileSync(
      outside,
      readFileSync('scenarios/trace-replay.yaml', 'utf8').replace(
        'trace: traces/access-log.csv',
        'trace: ../access-log.csv',
      ),
    );
    const loaded = loadScenario(outside);
    if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.message).join('; '));
    expect(problem({ file: outside, scenario: loaded.scenario })).toMatch(
      /is outside the scenario's folder; move it beside/,
    );
  });

  it('names the Job after the scenario, as a DNS label', () => {
    const [, job] = docs(yamlOf({ ...SEED, scenario: { ...SEED.scenario, name: 'Seed Case #2 (big)' } }));
    expect(job.metadata.name).toBe('slbsim-seed-case-2-big');
  });

  it('pairs with the ReadWriteMany claim of docs/SCALE.md, a valid PersistentVolumeClaim', () => {
    const doc = readFileSync('docs/SCALE.md', 'utf8');
    const block = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map((m) => m[1])
      .find((b) => b.includes('PersistentVolumeClaim'))!;
    const [pvc] = docs(block);
    expect(() => new PersistentVolumeClaim(pvc as never).validate()).not.toThrow();
    const [, job] = docs(yamlOf({ ...SEED, pvc: pvc.metadata.name }));
    expect(job.spec.template.spec.volumes[1]).toEqual({
      name: 'results',
      persistentVolumeClaim: { claimName: 'slbsim-results' },
    });
    expect(pvc.spec.accessModes).toEqual(['ReadWriteMany']);
  });
});
