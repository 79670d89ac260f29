import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { register as k8sJob } from '../../../src/cli/commands/k8s-job-command.js';
import { runCommand } from '../../helpers/cli.js';

const BASE = ['k8s-job', 'scenarios/seed-case.yaml', '--image', 'slbsim:0.1.0'];

describe('slbsim k8s-job', () => {
  it('prints the ConfigMap, the Indexed Job and the merge Job as one YAML stream', async () => {
    const r = await runCommand(k8sJob, [
      ...BASE,
      '--shards',
      '8',
      '--parallelism',
      '3',
      '--pvc',
      'results',
      '--retries',
      '0',
    ]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS());
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      'ConfigMap/slbsim-seed-case-scenario',
      'Job/slbsim-seed-case',
      'Job/slbsim-seed-case-merge',
    ]);
    expect(docs[1].spec).toMatchObject({ completions: 8, parallelism: 3, backoffLimitPerIndex: 0 });
    expect(docs[1].spec.template.spec.containers[0].resources).toEqual({
      requests: { cpu: '1', memory: '1Gi' },
      limits: { memory: '1Gi' },
    });
  });

  it('rejects missing and bad options with exit 2 and prints nothing', async () => {
    const cases: [string[], string][] = [
      [
        ['--shards', '0', '--pvc', 'r'],
        '--shards: expected a whole number ≥ 1 in decimal digits (e.g. 5000), got "0"\n',
      ],
      [['--shards', '2', '--pvc', 'r', '--retries', '-1'], '--retries: expected a whole number, got "-1"\n'],
      [
        ['--shards', '2', '--pvc', 'r', '--parallelism', 'all'],
        '--parallelism: expected a whole number ≥ 1 in decimal digits (e.g. 5000), got "all"\n',
      ],
      [
        ['--shards', '2', '--pvc', 'r', '--output', 's3://b/p'],
        'k8s-job: give either --pvc NAME (a ReadWriteMany claim) or --output s3://… | gs://… for the results\n',
      ],
    ];
    for (const [opts, stderr] of cases) {
      const r = await runCommand(k8sJob, [...BASE, ...opts]);
      expect([r.code, r.stdout, r.stderr]).toEqual([2, '', stderr]);
    }
    const noImage = await runCommand(k8sJob, [
      'k8s-job',
      'scenarios/seed-case.yaml',
      '--shards',
      '2',
      '--pvc',
      'r',
    ]);
    expect(noImage.code).toBe(2);
    expect(noImage.stderr).toContain("required option '--image <image>' not specified");
    const missing = await runCommand(k8sJob, [
      'k8s-job',
      'nope.yaml',
      '--shards',
      '2',
      '--image',
      'i',
      '--pvc',
      'r',
    ]);
    expect([missing.code, missing.stdout, missing.stderr]).toEqual([
      2,
      '',
      'nope.yaml:1:1: FileNotFound no such file: nope.yaml\n',
    ]);
  });
});
