import type { Command } from 'commander';

/** `slbsim route` — registered by its owner; see the command's help. */
export function register(_program: Command): void {}
