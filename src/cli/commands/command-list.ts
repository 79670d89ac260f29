/** Every command, in the order `slbsim --help` lists them. */
import type { Command } from 'commander';
import { register as compare } from './compare-command.js';
import { register as exportCmd } from './export-command.js';
import { register as importCmd } from './import-command.js';
import { register as k8sJob } from './k8s-job-command.js';
import { register as live } from './live-command.js';
import { register as logs } from './logs-command.js';
import { register as merge } from './merge-command.js';
import { register as plan } from './plan-command.js';
import { register as probe } from './probe-command.js';
import { register as report } from './report-command.js';
import { register as route } from './route-command.js';
import { register as run } from './run-command.js';
import { register as schema } from './schema-command.js';
import { register as sequence } from './sequence-command.js';
import { register as state } from './state-command.js';
import { register as sweep } from './sweep-command.js';
import { register as validate } from './validate-command.js';

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [
  validate,
  state,
  route,
  sequence,
  run,
  plan,
  sweep,
  merge,
  report,
  compare,
  logs,
  live,
  k8sJob,
  exportCmd,
  importCmd,
  probe,
  schema,
];
