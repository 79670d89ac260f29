/**
 * Every command, in the order `slbsim --help` lists them, each module loaded only when a command
 * line needs it: the one command it names (its own `--help` included), every one for the program's
 * help or a name commander must suggest a correction for, none for `--version`. Loading all of
 * them made every invocation parse the whole tool: measured on 2 cores, `slbsim --version` 260 →
 * 129 ms, `sequence` 240 → 131 ms, `validate` 336 → 276 ms; `run` the same (its scenario loader —
 * zod and yaml — and the engine are most of the tool).
 */
import type { Command } from 'commander';

export type RegisterCommand = (program: Command) => void;

export interface CommandEntry {
  /** The name it registers (`slbsim <name>`). */
  readonly name: string;
  load(): Promise<RegisterCommand>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'validate', load: async () => (await import('./validate-command.js')).register },
  { name: 'state', load: async () => (await import('./state-command.js')).register },
  { name: 'route', load: async () => (await import('./route-command.js')).register },
  { name: 'sequence', load: async () => (await import('./sequence-command.js')).register },
  { name: 'run', load: async () => (await import('./run-command.js')).register },
  { name: 'plan', load: async () => (await import('./plan-command.js')).register },
  { name: 'sweep', load: async () => (await import('./sweep-command.js')).register },
  { name: 'merge', load: async () => (await import('./merge-command.js')).register },
  { name: 'report', load: async () => (await import('./report-command.js')).register },
  { name: 'compare', load: async () => (await import('./compare-command.js')).register },
  { name: 'logs', load: async () => (await import('./logs-command.js')).register },
  { name: 'live', load: async () => (await import('./live-command.js')).register },
  { name: 'k8s-job', load: async () => (await import('./k8s-job-command.js')).register },
  { name: 'export', load: async () => (await import('./export-command.js')).register },
  { name: 'import', load: async () => (await import('./import-command.js')).register },
  { name: 'probe', load: async () => (await import('./probe-command.js')).register },
  { name: 'schema', load: async () => (await import('./schema-command.js')).register },
];

/** The commands the command line `args` (after `node slbsim`) needs registered, in help order. */
export function commandsFor(args: readonly string[]): readonly CommandEntry[] {
  const first = args[0];
  if (first === '--version' || first === '-V') return [];
  const named = COMMANDS.find((c) => c.name === first);
  return named === undefined ? COMMANDS : [named];
}
