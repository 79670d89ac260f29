/**
 * Test helper: perform a Dockerfile's steps without a container engine. Each stage gets a
 * directory of its own standing for the image's file system; WORKDIR, COPY (from the build
 * context, or `--from` an earlier stage), ENV and RUN (with `sh -c`, in the stage's working
 * directory; a cache mount is this machine's cache) are carried out there; USER, ENTRYPOINT and CMD are recorded. Any other instruction
 * fails, so a Dockerfile the helper cannot honour does not pass silently.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, posix } from 'node:path';

export interface Instruction {
  readonly op: string;
  readonly args: string;
  readonly line: number;
}

export interface Stage {
  readonly name: string;
  readonly base: string;
  readonly instructions: readonly Instruction[];
}

export interface BuiltStage {
  readonly name: string;
  /** The directory standing for the stage's `/`. */
  readonly root: string;
  /** The working directory as the image sees it (e.g. `/app`). */
  readonly workdir: string;
  readonly env: Readonly<Record<string, string>>;
  readonly user: string | null;
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
}

/** The stages of a Dockerfile, with line continuations joined and comments dropped. */
export function parseDockerfile(text: string): Stage[] {
  const stages: { name: string; base: string; instructions: Instruction[] }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1;
    let line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    while (line.endsWith('\\') && i + 1 < lines.length)
      line = `${line.slice(0, -1).trimEnd()} ${lines[++i].trim()}`;
    const m = /^(\w+)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`Dockerfile:${start}: cannot read "${line}"`);
    const op = m[1].toUpperCase();
    if (op === 'FROM') {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(m[2]);
      if (!from) throw new Error(`Dockerfile:${start}: cannot read FROM ${m[2]}`);
      stages.push({ base: from[1], name: from[2] ?? String(stages.length), instructions: [] });
    } else {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`Dockerfile:${start}: ${op} before FROM`);
      stage.instructions.push({ op, args: m[2], line: start });
    }
  }
  return stages;
}

function jsonArray(i: Instruction): string[] {
  const value = JSON.parse(i.args) as unknown;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    throw new Error(`Dockerfile:${i.line}: ${i.op} must be a JSON array of strings`);
  return value;
}

/** Names that .dockerignore keeps out of the build context (plain names and `*.ext` only). */
export function dockerignored(context: string): (name: string) => boolean {
  const file = join(context, '.dockerignore');
  const patterns = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '' && !l.startsWith('#'))
    : [];
  return (name) => patterns.some((p) => (p.startsWith('*.') ? name.endsWith(p.slice(1)) : name === p));
}

/** Carry out every stage in `into`/<stage name>; returns the stages built, last one last. */
export function buildStages(stages: readonly Stage[], context: string, into: string): BuiltStage[] {
  const ignored = dockerignored(context);
  const built: BuiltStage[] = [];
  for (const stage of stages) {
    const root = join(into, stage.name);
    mkdirSync(root, { recursive: true });
    let workdir = '/';
    const env: Record<string, string> = {};
    let user: string | null = null;
    let entrypoint: string[] = [];
    let cmd: string[] = [];
    const onDisk = (p: string) => join(root, posix.resolve(workdir, p));
    for (const i of stage.instructions) {
      switch (i.op) {
        case 'WORKDIR':
          workdir = posix.resolve(workdir, i.args);
          mkdirSync(onDisk('.'), { recursive: true });
          break;
        case 'ENV': {
          const kv = /^(\w+)=(.*)$/.exec(i.args);
          if (!kv) throw new Error(`Dockerfile:${i.line}: ENV must be KEY=value`);
          env[kv[1]] = kv[2];
          break;
        }
        case 'COPY': {
          const words = i.args.split(/\s+/);
          const from = words[0].startsWith('--from=') ? words.shift()!.slice('--from='.length) : null;
          const dest = words.pop()!;
          const sourceRoot = from === null ? context : built.find((b) => b.name === from)?.root;
          if (sourceRoot === undefined) throw new Error(`Dockerfile:${i.line}: no stage ${from}`);
          const intoDir = dest.endsWith('/') || words.length > 1;
          for (const src of words) {
            if (from === null && ignored(src.split('/')[0]))
              throw new Error(`Dockerfile:${i.line}: COPY ${src} is excluded by .dockerignore`);
            const source = join(sourceRoot, src);
            if (!existsSync(source)) throw new Error(`Dockerfile:${i.line}: COPY ${src}: no such file`);
            const target = onDisk(
              intoDir && !statSync(source).isDirectory() ? posix.join(dest, basename(src)) : dest,
            );
            cpSync(source, target, {
              recursive: true,
              filter: (p) => from !== null || !ignored(basename(p)),
            });
          }
          break;
        }
        case 'RUN': {
          // A cache mount (`--mount=type=cache,…`) is a cache kept outside the image: here, this machine's.
          const command = i.args.replace(/^(?:--mount=type=cache,\S+\s+)+/, '');
          if (command.startsWith('--'))
            throw new Error(`Dockerfile:${i.line}: the test helper cannot perform RUN ${i.args}`);
          const r = spawnSync('sh', ['-c', command], {
            cwd: onDisk('.'),
            env: { ...process.env, ...env },
            encoding: 'utf8',
          });
          if (r.status !== 0)
            throw new Error(
              `Dockerfile:${i.line}: RUN ${i.args} exited ${r.status}\n${r.stdout}\n${r.stderr}`,
            );
          break;
        }
        case 'USER':
          user = i.args;
          break;
        case 'ENTRYPOINT':
          entrypoint = jsonArray(i);
          break;
        case 'CMD':
          cmd = jsonArray(i);
          break;
        default:
          throw new Error(`Dockerfile:${i.line}: the test helper cannot perform ${i.op}`);
      }
    }
    built.push({ name: stage.name, root, workdir, env, user, entrypoint, cmd });
  }
  return built;
}

/** An argument of the image's entry point as a path on this machine (absolute paths into the stage's root). */
export function onStage(stage: BuiltStage, arg: string): string {
  return arg.startsWith('/') && existsSync(join(stage.root, arg)) ? join(stage.root, arg) : arg;
}
