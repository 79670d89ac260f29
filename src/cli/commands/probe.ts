import type { Command } from 'commander';

/** `slbsim probe` — registered by its owner; see the command's help. */
export function register(_program: Command): void {}
