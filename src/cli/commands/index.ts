/** Every command, in the order `slbsim --help` lists them. */
import type { Command } from 'commander';
import { register as compare } from './compare.js';
import { register as exportCmd } from './export.js';
import { register as live } from './live.js';
import { register as probe } from './probe.js';
import { register as report } from './report.js';
import { register as route } from './route.js';
import { register as run } from './run.js';
import { register as schema } from './schema.js';
import { register as sequence } from './sequence.js';
import { register as state } from './state.js';
import { register as validate } from './validate.js';

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [
  validate,
  state,
  route,
  sequence,
  run,
  report,
  compare,
  live,
  exportCmd,
  probe,
  schema,
];
