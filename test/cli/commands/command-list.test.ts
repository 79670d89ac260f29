import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS, commandsFor } from '../../../src/cli/commands/command-list.js';

describe('the command list (commands loaded when a command line needs them)', () => {
  it('names each command as its module registers it', async () => {
    for (const entry of COMMANDS) {
      // Given a program with only this entry's module registered
      const program = new Command('slbsim');
      (await entry.load())(program);
      // Then it registered one command, of the entry's name
      expect(program.commands.map((c) => c.name())).toEqual([entry.name]);
    }
  });

  it('loads the one command a command line names, all for help or an unknown name, none for --version', () => {
    const names = (args: string[]) => commandsFor(args).map((c) => c.name);
    expect(names(['run', 'scenarios/seed-case.yaml', '--format', 'json'])).toEqual(['run']);
    expect(names(['k8s-job', '--help'])).toEqual(['k8s-job']);
    const all = COMMANDS.map((c) => c.name);
    expect(names([])).toEqual(all);
    expect(names(['--help'])).toEqual(all);
    expect(names(['help', 'run'])).toEqual(all);
    expect(names(['rn'])).toEqual(all);
    expect(names(['--version'])).toEqual([]);
    expect(names(['-V'])).toEqual([]);
  });
});
