import type { Command } from 'commander';
import { k8sJob, MAX_SHARDS, renderK8sJob } from '../../scale/k8s-job.js';
import { UserError } from '../../util/user-error.js';
import { action, positiveInt } from '../command-action.js';
import { proseHelp } from '../help-text.js';
import { loadChecked } from '../run-pipeline.js';

interface K8sJobCommandOptions {
  shards: string;
  image: string;
  parallelism?: string;
  pvc?: string;
  output?: string;
  name?: string;
  namespace?: string;
  retries?: string;
  cpu?: string;
  memory?: string;
  serviceAccount?: string;
  seed?: string;
  requests?: string;
  uploaderImage?: string;
}

/** A whole number, 0 allowed (retries). */
function wholeNumber(name: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n))
    throw new UserError([`${name}: expected a whole number, got "${value}"`]);
  return n;
}

function k8sJobCommand(file: string, opts: K8sJobCommandOptions): number {
  const shards = positiveInt('--shards')(opts.shards);
  const requests = opts.requests === undefined ? undefined : positiveInt('--requests')(opts.requests);
  const scenario = loadChecked(file, { seed: opts.seed, requests });
  const job = k8sJob({
    file,
    scenario,
    shards,
    image: opts.image,
    parallelism: opts.parallelism === undefined ? undefined : positiveInt('--parallelism')(opts.parallelism),
    pvc: opts.pvc,
    output: opts.output,
    name: opts.name,
    namespace: opts.namespace,
    retries: opts.retries === undefined ? undefined : wholeNumber('--retries', opts.retries),
    cpu: opts.cpu,
    memory: opts.memory,
    serviceAccount: opts.serviceAccount,
    seed: opts.seed,
    requests,
    uploaderImage: opts.uploaderImage,
  });
  process.stdout.write(renderK8sJob(job, { file, shards }));
  return 0;
}

/** `slbsim k8s-job` — the Kubernetes Indexed Job that runs a scenario's shards, and its merge Job. */
export function register(program: Command): void {
  program
    .command('k8s-job')
    .summary('print the Kubernetes Indexed Job that runs a scenario in shards, and the merge Job')
    .description(
      'Print multi-document YAML: a ConfigMap with the scenario (and its trace), an Indexed Job whose pod K ' +
        'runs `slbsim run <scenario> --shard K/N --out /results/shard-K`, and a Job running `slbsim merge` ' +
        'over the N reports. Results go to a ReadWriteMany claim (--pvc) or an object store (--output, ' +
        'copied by an aws-cli / gcloud container). Apply the shards, wait for them, then apply the merge.',
    )
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .requiredOption('--shards <n>', `number of shards (pods), at most ${MAX_SHARDS}`)
    .requiredOption(
      '--image <image>',
      'the slbsim image (the Dockerfile of this repository), e.g. registry/slbsim:0.1.0',
    )
    .option('--parallelism <n>', 'pods running at once (default: every shard)')
    .option('--pvc <claim>', 'ReadWriteMany PersistentVolumeClaim mounted at /results')
    .option('--output <url>', 'object store prefix for the results: s3://bucket/prefix or gs://bucket/prefix')
    .option('--name <name>', 'Job name (default: slbsim-<scenario name>); the merge Job adds -merge')
    .option('--namespace <ns>', 'namespace of every object')
    .option('--retries <n>', 'retries of one shard before the Job fails (backoffLimitPerIndex)', '1')
    .option('--cpu <cpu>', 'CPU request per pod', '1')
    .option('--memory <memory>', 'memory request and limit per pod', '1Gi')
    .option(
      '--service-account <name>',
      'service account of the pods (object store credentials: IRSA, Workload Identity)',
    )
    .option('--seed <seed>', "override the scenario's seed in every shard")
    .option('--requests <n>', "override the scenario's request count")
    .option(
      '--uploader-image <image>',
      'image of the copy containers with --output (default: amazon/aws-cli or google-cloud-cli)',
    )
    .addHelpText(
      'after',
      proseHelp(`
Exit codes: 0 ok, 2 bad input (nothing printed).

Examples:
  $ slbsim k8s-job scenarios/seed-case.yaml --shards 8 --image registry.example.com/slbsim:0.1.0 --pvc slbsim-results > job.yaml
  $ kubectl apply -f job.yaml -l app.kubernetes.io/component=shards
  $ kubectl wait --for=condition=complete --timeout=24h job/slbsim-seed-case
  $ kubectl apply -f job.yaml -l app.kubernetes.io/component=merge
  $ slbsim k8s-job scenarios/trace-replay.yaml --shards 4 --image slbsim:0.1.0 --output s3://my-bucket/runs/trace --service-account slbsim`),
    )
    .action(action(k8sJobCommand));
}
