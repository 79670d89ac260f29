/** Test helpers for scenario files: load text, format diagnostics, run a command in-process. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { formatDiagnostic } from '../../src/cli/command-action.js';
import { type LoadResult, loadScenarioText } from '../../src/scenario/load.js';
import type { Diagnostic, Scenario } from '../../src/scenario/scenario-model.js';

/** Lines joined with `\n`, so tests can count lines exactly. */
export function lines(...ls: string[]): string {
  return `${ls.join('\n')}\n`;
}

/** `file:line:col: CODE message` for each diagnostic of a failed load. */
export function problems(result: LoadResult): string[] {
  if (result.ok) return [];
  return result.diagnostics.map(formatDiagnostic);
}

export function formatted(ds: readonly Diagnostic[]): string[] {
  return ds.map(formatDiagnostic);
}

/** Load text that must be valid. */
export function valid(text: string, file = 'x.yaml'): Scenario {
  const r = loadScenarioText(text, file);
  if (!r.ok) expect.fail(`expected a valid scenario, got:\n${problems(r).join('\n')}`);
  return r.scenario;
}

/** A tiny valid inventory + load balancer the tests build on (lines 1–6). */
export const BASE = [
  'instances:',
  '  - { InstanceId: i-1, RegionId: cn-hangzhou, VpcId: vpc-1 }',
  '  - { InstanceId: i-2, RegionId: cn-hangzhou, VpcId: vpc-1 }',
  'events:',
  '  - action: CreateLoadBalancer',
  '    params: { LoadBalancerId: lb-1, RegionId: cn-hangzhou, VpcId: vpc-1 }',
];

let dir: string | undefined;
/** Write a file into a fresh temporary directory; returns its path. */
export function tempFile(name: string, text: string): string {
  dir ??= mkdtempSync(join(tmpdir(), 'slbsim-scenario-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

export { type CliResult, runCommand } from '../helpers/cli.js';
