/**
 * The image the Job's pods run: the repository's Dockerfile, built here without docker by
 * performing its stages' steps (test/helpers/dockerfile.ts). The runtime stage must hold the
 * production dependencies only, run as a non-root user, and its entry point must run slbsim —
 * including a sweep, whose workers load from the image's dist/.
 *
 * Building takes two `npm ci` runs (a minute or more on two cores), so it runs in CI (`CI` set)
 * or when asked (`SLBSIM_IMAGE_TEST=1 npx vitest run test/scale/k8s-job.image.test.ts`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type BuiltStage,
  buildStages,
  dockerignored,
  onStage,
  parseDockerfile,
} from '../helpers/dockerfile.js';

const into = mkdtempSync(join(tmpdir(), 'slbsim-image-'));
afterAll(() => rmSync(into, { recursive: true, force: true }), 120_000);

const building = Boolean(process.env.CI) || process.env.SLBSIM_IMAGE_TEST === '1';

describe('the Dockerfile', () => {
  const stages = parseDockerfile(readFileSync('Dockerfile', 'utf8'));

  it('builds on node:20-slim in two stages, the runtime one without dev dependencies', () => {
    expect(stages.map((s) => [s.name, s.base])).toEqual([
      ['build', 'node:20-slim'],
      ['runtime', 'node:20-slim'],
    ]);
    const runs = stages[1].instructions.filter((i) => i.op === 'RUN').map((i) => i.args);
    expect(runs.some((r) => r.includes('npm ci --omit=dev --ignore-scripts'))).toBe(true);
  });

  it('copies only files of the build context that exist and .dockerignore keeps', () => {
    const ignored = dockerignored('.');
    expect(['node_modules', 'dist', '.git'].map(ignored)).toEqual([true, true, true]);
    const sources = stages
      .flatMap((s) => s.instructions)
      .filter((i) => i.op === 'COPY' && !i.args.startsWith('--from='))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    expect(sources).toEqual([
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'src',
      'package.json',
      'package-lock.json',
      'schema',
      'scenarios',
    ]);
    for (const src of sources) expect([src, existsSync(src), ignored(src)]).toEqual([src, true, false]);
  });

  it.runIf(building)(
    'performs its steps, and the runtime stage runs slbsim as a non-root user',
    { timeout: 600_000 },
    () => {
      const built = buildStages(stages, process.cwd(), into);
      const runtime = built.at(-1) as BuiltStage;
      expect(runtime.user).toBe('node');
      expect(runtime.entrypoint).toEqual(['node', '/app/dist/bin/main.js']);
      const app = join(runtime.root, runtime.workdir);
      expect(existsSync(join(app, 'node_modules', 'commander'))).toBe(true);
      expect(existsSync(join(app, 'node_modules', 'vitest'))).toBe(false);
      expect(existsSync(join(app, 'node_modules', 'typescript'))).toBe(false);
      const [exe, ...entry] = runtime.entrypoint.map((a) => onStage(runtime, a));
      const slbsim = (...args: string[]) =>
        execFileSync(exe === 'node' ? process.execPath : exe, [...entry, ...args], {
          cwd: app,
          env: { ...process.env, ...runtime.env },
          encoding: 'utf8',
        });
      const version = JSON.parse(readFileSync('package.json', 'utf8')).version as string;
      expect(slbsim('--version')).toBe(`${version}\n`);
      const spread = JSON.parse(
        slbsim('sweep', 'scenarios/seed-case.yaml', '--seeds', '1,2', '--workers', '1', '--format', 'json'),
      );
      expect(spread.seeds).toEqual(['1', '2']);
    },
  );
});
