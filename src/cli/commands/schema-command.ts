/** `slbsim schema` — the JSON Schema of scenario files, generated from the schema that validates them. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { scenarioJsonSchema } from '../../scenario/schema.js';
import { EXIT_OK, UserError } from '../../util/user-error.js';
import { action } from '../command-action.js';
import { proseHelp } from '../help-text.js';

/** The schema file's text: pretty JSON with a final newline. */
export function schemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}

export function schema(opts: { out?: string }): number {
  const text = schemaText();
  if (opts.out === undefined) {
    process.stdout.write(text);
    return EXIT_OK;
  }
  try {
    mkdirSync(dirname(opts.out), { recursive: true });
    writeFileSync(opts.out, text);
  } catch (err) {
    throw new UserError([`--out: cannot write ${opts.out}: ${(err as Error).message}`]);
  }
  process.stderr.write(`wrote ${opts.out}\n`);
  return EXIT_OK;
}

export function register(program: Command): void {
  program
    .command('schema')
    .summary('the JSON Schema of scenario files (editor completion)')
    .description(
      'Print the JSON Schema (draft-07) of scenario files, generated from the same schema that validates them. ' +
        'Editors use it for completion and checking (yaml-language-server, VS Code JSON).',
    )
    .option('--out <file>', 'write it to <file> instead of stdout')
    .addHelpText(
      'after',
      proseHelp(`
Examples:
  $ slbsim schema > scenario.schema.json
  $ slbsim schema --out schema/scenario.schema.json   # what \`npm run schema\` does

In a YAML scenario:   # yaml-language-server: $schema=../schema/scenario.schema.json
In a JSON scenario:   "$schema": "../schema/scenario.schema.json"`),
    )
    .action(action(schema));
}
