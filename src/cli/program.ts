/** The `slbsim` command: commander wiring only; each command lives in its own file (the entry is main.ts). */
import { Command, CommanderError } from 'commander';
import { releasePrestartedPool } from '../scale/shard-pool-start.js';
import { EXIT_USAGE } from '../util/user-error.js';
import { VERSION } from '../util/version.js';
import { onStdoutError } from './command-action.js';
import { COMMANDS, type CommandEntry, commandsFor } from './commands/command-list.js';
import { flowed } from './help-text.js';

/** The program with `commands` registered (default: every command). */
export async function buildProgram(commands: readonly CommandEntry[] = COMMANDS): Promise<Command> {
  const program = new Command('slbsim')
    .version(VERSION)
    .description(
      'Simulate Alibaba Cloud SLB/CLB before you change weights, server groups or forwarding rules: ' +
        'an event-sourced topology, exact Tengine/LVS selection, deterministic replay and a live loopback harness.',
    )
    .showHelpAfterError()
    .configureOutput({ outputError: (str, write) => write(str) })
    .exitOverride();
  const registers = await Promise.all(commands.map((c) => c.load()));
  for (const register of registers) register(program);
  for (const command of program.commands) command.description(flowed(command.description()));
  program.addHelpText(
    'after',
    `
Examples:
  $ slbsim validate scenarios/seed-case.yaml
  $ slbsim state scenarios/seed-case.yaml --at 30s --json
  $ slbsim route scenarios/seed-case.yaml --listener lb-seed:http:80 --host api.example.com --path /v1/items
  $ slbsim sequence --scheduler wrr --weights 5,1,1 --count 14
  $ slbsim run scenarios/seed-case.yaml --format json
  $ slbsim plan scenarios/seed-case.yaml --change scenarios/changes/seed-case-weights.yaml
  $ slbsim logs scenarios/access-log-check.yaml scenarios/logs/access-log-check.jsonl
  $ slbsim import aliyun describe-responses/ --out prod.yaml
  $ slbsim sweep scenarios/tcp-consistent-hash.yaml --seeds 1..50
  $ slbsim sweep scenarios/seed-case.yaml --vary scenarios/variants/seed-case-weights.yaml --seeds 1..20
  $ slbsim run scenarios/seed-case.yaml --shard 0/2 --out s0   # then 1/2, then: slbsim merge s0/report.json s1/report.json`,
  );
  return program;
}

/** Run the command line of `process.argv`. */
export async function main(): Promise<void> {
  process.stdout.on('error', onStdoutError);
  process.stderr.on('error', () => process.exit(EXIT_USAGE));
  const program = await buildProgram(commandsFor(process.argv.slice(2)));
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; usage mistakes exit 2.
      process.exitCode = err.exitCode === 0 ? 0 : 2;
      return;
    }
    throw err;
  } finally {
    await releasePrestartedPool();
  }
}
