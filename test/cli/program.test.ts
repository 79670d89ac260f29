import { describe, expect, it } from 'vitest';
import { flowed, wrapProse } from '../../src/cli/help-text.js';
import { buildProgram } from '../../src/cli/program.js';

describe('the help of every command', () => {
  it('flows a description: single line breaks become spaces, a blank line stays a paragraph break', () => {
    expect(flowed('one\ntwo three\n\nfour\nfive')).toBe('one two three\n\nfour five');
    expect(flowed('no break')).toBe('no break');
  });

  it('wraps a help block’s prose at the width and leaves its indented lines (examples) as they are', () => {
    const block = `
Exit codes: 0 ok, 1 an expectation failed,
2 bad input.

Examples:
  $ slbsim run scenarios/seed-case.yaml --format json --requests 100000 --record requests.parquet`;
    expect(wrapProse(block, 40)).toBe(`
Exit codes: 0 ok, 1 an expectation
failed, 2 bad input.

Examples:
  $ slbsim run scenarios/seed-case.yaml --format json --requests 100000 --record requests.parquet`);
  });

  it('given an 80-column help, then no description line is cut short of the width by the source’s breaks', async () => {
    const program = await buildProgram();
    for (const command of program.commands) {
      command.configureOutput({ getOutHelpWidth: () => 80 });
      const help = command.helpInformation();
      const description = help.split('\n\n')[1];
      const lines = description.split('\n');
      // Every line but a paragraph's last reaches past half the width (commander fills to 80).
      for (const line of lines.slice(0, -1))
        expect(line.length, `${command.name()}: "${line}"`).toBeGreaterThan(40);
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    }
  });
});
