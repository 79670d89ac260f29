/**
 * `slbsim import aliyun|terraform` — bring a real CLB in: saved Describe* responses or a Terraform
 * state become a scenario in the OpenAPI-events form (docs/IMPORT.md).
 */
import { writeFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { Command } from 'commander';
import { importAliyun } from '../../import/aliyun-import.js';
import type { ImportResult } from '../../import/import-result.js';
import { importTerraform } from '../../import/terraform-import.js';
import { EXIT_OK, UserError } from '../../util/user-error.js';
import { action, diagnosticsError } from '../command-action.js';
import { proseHelp } from '../help-text.js';

interface ImportOptions {
  out?: string;
  name?: string;
  allInstances?: boolean;
}

interface TerraformOptions extends ImportOptions {
  region?: string;
}

function scenarioName(opts: ImportOptions): string | undefined {
  if (opts.name !== undefined) return opts.name;
  return opts.out === undefined ? undefined : basename(opts.out, extname(opts.out));
}

function emit(result: ImportResult, opts: ImportOptions): number {
  // A failed import says only what is wrong.
  if (!result.ok) throw diagnosticsError(result.diagnostics);
  for (const n of result.notices) process.stderr.write(`notice: ${n}\n`);
  if (opts.out === undefined) process.stdout.write(result.text);
  else {
    try {
      writeFileSync(opts.out, result.text);
    } catch (err) {
      throw new UserError([
        `--out: cannot write ${opts.out} (${(err as NodeJS.ErrnoException).code ?? err})`,
      ]);
    }
    process.stderr.write(`wrote ${opts.out}: ${result.summary}\n`);
  }
  return EXIT_OK;
}

function aliyun(paths: string[], opts: ImportOptions): number {
  return emit(importAliyun(paths, { allInstances: opts.allInstances, name: scenarioName(opts) }), opts);
}

function terraform(file: string, opts: TerraformOptions): number {
  return emit(
    importTerraform(file, { region: opts.region, allInstances: opts.allInstances, name: scenarioName(opts) }),
    opts,
  );
}

export function register(program: Command): void {
  const cmd = program
    .command('import')
    .summary('bring a real CLB in: saved Describe* responses or a Terraform state → a scenario')
    .description(
      'Turn a real CLB topology into a scenario in the OpenAPI-events form (the ECS inventory and the ' +
        'Create…/Add…/Start… calls that rebuild it), every piece commented with where it came from. ' +
        'The scenario validates clean and `slbsim state --json` gives back the input for every field the ' +
        'model holds; see docs/IMPORT.md.',
    )
    .addHelpText(
      'after',
      proseHelp(`
Examples:
  $ slbsim import aliyun saved/ --out prod.yaml
  $ slbsim import terraform terraform.tfstate --out prod.yaml`),
    );
  cmd
    .command('aliyun')
    .summary('saved aliyun slb/ecs Describe* responses (files or directories) → a scenario')
    .description(
      'Read the JSON that `aliyun slb Describe…` (or the OpenAPI) returns, saved as files — one call per file, ' +
        'pages of paged calls as separate files, or arrays of responses: DescribeLoadBalancers, ' +
        'DescribeLoadBalancerAttribute, DescribeVServerGroups, DescribeVServerGroupAttribute, ' +
        'DescribeMasterSlaveServerGroups, DescribeMasterSlaveServerGroupAttribute, ' +
        'DescribeLoadBalancer{HTTP,HTTPS,TCP,UDP}ListenerAttribute, DescribeRules, DescribeRuleAttribute and ECS ' +
        'DescribeInstances. Each response is recognised by its shape. Anything referenced but not given is an ' +
        'error naming the Describe call that would give it.',
    )
    .argument('<paths...>', 'response files, or directories (every *.json under them)')
    .option('--out <file>', 'write the scenario here instead of stdout')
    .option('--name <name>', 'scenario name (default: the --out file name, else "imported")')
    .option(
      '--all-instances',
      'keep every ECS instance DescribeInstances lists, not only those a group names',
    )
    .addHelpText(
      'after',
      proseHelp(`
Notices (ignored fields, CLB defaults applied, pieces left out) go to stderr. Bad or missing input:
file:line:col: CODE message, exit code 2, nothing written.

Examples:
  $ mkdir saved && cd saved
  $ aliyun slb DescribeLoadBalancers --RegionId cn-hangzhou > DescribeLoadBalancers.json
  $ aliyun slb DescribeLoadBalancerAttribute --LoadBalancerId lb-bp1b6c7… > lb-bp1b6c7….json
  $ aliyun slb DescribeVServerGroupAttribute --VServerGroupId rsp-bp1web… > vsg-web.json
  $ aliyun slb DescribeLoadBalancerHTTPListenerAttribute --LoadBalancerId lb-bp1b6c7… --ListenerPort 80 > http-80.json
  $ aliyun ecs DescribeInstances --RegionId cn-hangzhou --PageSize 100 > ecs.json
  $ cd .. && slbsim import aliyun saved/ --out prod.yaml
  wrote prod.yaml: 2 load balancers, 6 listeners, 5 VServer groups, …
  $ slbsim validate prod.yaml && slbsim state prod.yaml --json`),
    )
    .action(action(aliyun));
  cmd
    .command('terraform')
    .summary('a Terraform state (terraform show -json, or a raw v4 .tfstate) → a scenario')
    .description(
      'Read the alicloud_slb_load_balancer, alicloud_slb_server_group (+ alicloud_slb_server_group_server_attachment), ' +
        'alicloud_slb_master_slave_server_group, alicloud_slb_backend_server, alicloud_slb_listener, alicloud_slb_rule, ' +
        'alicloud_instance and alicloud_vswitch resources of a state — `terraform show -json` output (child modules ' +
        'included) or a raw version-4 state file — and join them by the ids in their attributes.',
    )
    .argument('<state>', 'terraform.tfstate, or the output of `terraform show -json`')
    .option('--out <file>', 'write the scenario here instead of stdout')
    .option('--name <name>', 'scenario name (default: the --out file name, else "imported")')
    .option(
      '--region <id>',
      'the provider region (a state does not record it; default: derived from each resource zone)',
    )
    .option('--all-instances', 'keep every ECS instance of the state, not only those a group names')
    .addHelpText(
      'after',
      proseHelp(`
Notices go to stderr; bad or missing input: file:line:col: CODE message, exit code 2.

Examples:
  $ terraform show -json > show.json && slbsim import terraform show.json --out prod.yaml
  $ slbsim import terraform terraform.tfstate --region cn-hangzhou --out prod.yaml
  $ slbsim validate prod.yaml`),
    )
    .action(action(terraform));
}
