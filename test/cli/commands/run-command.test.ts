import { describe, expect, it } from 'vitest';
import { register } from '../../../src/cli/commands/run-command.js';
import { runCommand } from '../../helpers/cli.js';

describe('slbsim run --url-matching', () => {
  // 50 requests fail seed-case's expectations (exit 1); only the option matters here.
  it('given raw, then the report records the option (the default leaves it out)', async () => {
    const args = ['run', 'scenarios/seed-case.yaml', '--requests', '50', '--format', 'json', '--quiet'];
    const raw = await runCommand(register, [...args, '--url-matching', 'raw']);
    expect(JSON.parse(raw.stdout).options.urlMatching).toBe('raw');
    const normalized = await runCommand(register, [...args, '--url-matching', 'normalized']);
    expect(JSON.parse(normalized.stdout).options).not.toHaveProperty('urlMatching');
  });

  it('given another value, then exit 2 and nothing is run', async () => {
    const r = await runCommand(register, [
      'run',
      'scenarios/seed-case.yaml',
      '--url-matching',
      'x',
      '--quiet',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--url-matching: expected one of normalized, raw, got "x"');
    expect(r.stdout).toBe('');
  });
});
