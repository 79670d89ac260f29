/**
 * The pods' commands, run here: generate the Job with `slbsim k8s-job`, lay out its volumes in a
 * temporary directory (the ConfigMap's items, the shared claim), expand `$(JOB_COMPLETION_INDEX)`
 * for each index as Kubernetes does, and run each container's exact argv through the image's entry
 * point (the Dockerfile's ENTRYPOINT, on the built dist/). The merged report must be the report
 * of the unsharded run.
 *
 * `run --shard` and `merge` land separately: until `slbsim run --help` lists `--shard` and
 * `slbsim --help` lists `merge`, the shard-and-merge test is skipped.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseDockerfile } from '../helpers/dockerfile.js';

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML, walked freely
type Obj = Record<string, any>;

/** The image's entry point on this checkout: ENTRYPOINT of the last stage, its WORKDIR being the repository. */
function entryPoint(): string[] {
  const stage = parseDockerfile(readFileSync('Dockerfile', 'utf8')).at(-1)!;
  const workdir = stage.instructions.filter((i) => i.op === 'WORKDIR').at(-1)!.args;
  const entry = JSON.parse(stage.instructions.find((i) => i.op === 'ENTRYPOINT')!.args) as string[];
  return entry.map((a) =>
    a === 'node' ? process.execPath : a.startsWith(`${workdir}/`) ? posix.relative(workdir, a) : a,
  );
}

const ENTRY = entryPoint();

function slbsim(args: readonly string[], env: Record<string, string> = {}) {
  const [exe, ...pre] = ENTRY;
  const r = spawnSync(exe, [...pre, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const shardingAvailable =
  /--shard\b/.test(slbsim(['run', '--help']).stdout) && /^\s+merge\b/m.test(slbsim(['--help']).stdout);

/** `$(VAR)` expansion of command and args, as the kubelet does it (`$$` escapes a `$`). */
function expand(arg: string, env: Record<string, string>): string {
  return arg.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, name: string | undefined) =>
    m === '$$' ? '$' : name !== undefined && name in env ? env[name] : m,
  );
}

const root = mkdtempSync(join(tmpdir(), 'slbsim-pods-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A pod's volumes as directories: ConfigMap items written out, claims shared by name. */
function volumes(pod: Obj, configMaps: Obj[]): Map<string, string> {
  const dirs = new Map<string, string>();
  for (const v of pod.volumes) {
    if (v.configMap) {
      const dir = join(root, 'configmap', v.configMap.name);
      const cm = configMaps.find((c) => c.metadata.name === v.configMap.name)!;
      for (const item of v.configMap.items) {
        mkdirSync(dirname(join(dir, item.path)), { recursive: true });
        writeFileSync(join(dir, item.path), cm.data[item.key]);
      }
      dirs.set(v.name, dir);
    } else if (v.persistentVolumeClaim) {
      const dir = join(root, 'claim', v.persistentVolumeClaim.claimName);
      mkdirSync(dir, { recursive: true });
      dirs.set(v.name, dir);
    } else throw new Error(`volume ${v.name}: only ConfigMaps and claims are laid out here`);
  }
  return dirs;
}

/** A container's argv with `$(…)` expanded and mount paths pointing into the volume directories. */
function argvOf(container: Obj, dirs: Map<string, string>, env: Record<string, string>): string[] {
  const mounts = [...container.volumeMounts].sort(
    (a: Obj, b: Obj) => b.mountPath.length - a.mountPath.length,
  );
  expect(container.command).toBeUndefined(); // the image's ENTRYPOINT runs the args
  return container.args.map((raw: string) => {
    const arg = expand(raw, env);
    const m = mounts.find((mt: Obj) => arg === mt.mountPath || arg.startsWith(`${mt.mountPath}/`));
    return m ? dirs.get(m.name)! + arg.slice(m.mountPath.length) : arg;
  });
}

function generate(file: string, shards: number): Obj[] {
  const r = slbsim([
    'k8s-job',
    file,
    '--shards',
    String(shards),
    '--image',
    'slbsim:test',
    '--pvc',
    'results',
  ]);
  expect([r.code, r.stderr]).toEqual([0, '']);
  return parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj);
}

describe('the pods of slbsim k8s-job, run locally', () => {
  it('mount the scenario and its trace where the scenario finds them', () => {
    const [cm, job] = generate('scenarios/trace-replay.yaml', 2);
    const pod = job.spec.template.spec;
    const dirs = volumes(pod, [cm]);
    const [, scenarioPath] = argvOf(pod.containers[0], dirs, { JOB_COMPLETION_INDEX: '0' });
    expect(scenarioPath).toBe(join(dirs.get('scenario')!, 'trace-replay.yaml'));
    expect(slbsim(['validate', scenarioPath])).toMatchObject({ code: 0 });
  });

  it.skipIf(!shardingAvailable)(
    'run every shard, then the merge, into the report of the unsharded run',
    () => {
      const shards = 3;
      const [cm, job, merge] = generate('scenarios/seed-case.yaml', shards);
      const pod = job.spec.template.spec;
      const dirs = volumes(pod, [cm]);
      let scenarioPath = '';
      for (let k = 0; k < shards; k++) {
        // The downward API gives the completion index annotation: the index in decimal.
        const env = Object.fromEntries(pod.containers[0].env.map((e: Obj) => [e.name, String(k)]));
        const argv = argvOf(pod.containers[0], dirs, env);
        scenarioPath = argv[1];
        const r = slbsim(argv, env);
        expect(r.code, `shard ${k}: ${r.stderr}`).toBe(0);
      }
      const mergePod = merge.spec.template.spec;
      const merged = slbsim(argvOf(mergePod.containers[0], volumes(mergePod, [cm]), {}));
      const whole = slbsim(['run', scenarioPath, '--out', join(root, 'unsharded'), '--quiet']);
      expect(merged.code, merged.stderr).toBe(whole.code);
      expect(readFileSync(join(dirs.get('results')!, 'merged', 'report.json'), 'utf8')).toBe(
        readFileSync(join(root, 'unsharded', 'report.json'), 'utf8'),
      );
    },
  );
});
