/**
 * Running a real nginx with an exported configuration, for the cross-check test and the benchmark:
 * a private prefix directory (config, pid, temp paths), `daemon off` in the foreground as a child
 * process, errors to stderr, stopped with SIGQUIT (graceful) then SIGKILL. Nothing here touches the
 * system's nginx configuration.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CANDIDATES = [
  '/usr/sbin/nginx',
  '/usr/local/sbin/nginx',
  '/usr/local/nginx/sbin/nginx',
  '/usr/bin/nginx',
];

/** The nginx binary, or undefined when none is installed. */
export function findNginx(): string | undefined {
  for (const c of CANDIDATES) if (existsSync(c)) return c;
  try {
    const out = execFileSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' }).trim();
    return out === '' ? undefined : out;
  } catch {
    return undefined;
  }
}

export interface NginxTestResult {
  readonly ok: boolean;
  readonly output: string;
}

/** `nginx -t` on a configuration text (in a scratch prefix). */
export function testNginxConfig(binary: string, config: string): NginxTestResult {
  const prefix = mkdtempSync(join(tmpdir(), 'slbsim-nginx-t-'));
  try {
    const file = join(prefix, 'nginx.conf');
    writeFileSync(file, config);
    try {
      const output = execFileSync(binary, ['-t', '-p', prefix, '-c', file, '-e', 'stderr'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      return { ok: true, output };
    } catch (err) {
      const e = err as { stderr?: string; stdout?: string; message: string };
      return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` || e.message };
    }
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
}

export class NginxProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly prefix: string,
    private stderr: string[],
  ) {}

  /** Start nginx in the foreground with `config`; resolves once every port in `ports` accepts. */
  static async start(
    binary: string,
    config: string,
    ports: readonly number[],
    timeoutMs = 10_000,
  ): Promise<NginxProcess> {
    const prefix = mkdtempSync(join(tmpdir(), 'slbsim-nginx-'));
    const file = join(prefix, 'nginx.conf');
    writeFileSync(file, config);
    const child = spawn(binary, ['-p', prefix, '-c', file, '-e', 'stderr', '-g', 'daemon off;'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const stderr: string[] = [];
    child.stderr?.on('data', (d: Buffer) => {
      if (stderr.length < 200) stderr.push(d.toString());
    });
    const proc = new NginxProcess(child, prefix, stderr);
    const deadline = performance.now() + timeoutMs;
    try {
      for (const port of ports) {
        for (;;) {
          if (child.exitCode !== null)
            throw new Error(`nginx exited (${child.exitCode}): ${stderr.join('')}`);
          if (await accepts(port)) break;
          if (performance.now() > deadline)
            throw new Error(`nginx did not listen on ${port}: ${stderr.join('')}`);
          await new Promise((r) => setTimeout(r, 25));
        }
      }
    } catch (err) {
      await proc.stop();
      throw err;
    }
    return proc;
  }

  get errors(): string {
    return this.stderr.join('');
  }

  /** Graceful stop (SIGQUIT), SIGKILL after 3 s; removes the prefix directory. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGQUIT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.prefix, { recursive: true, force: true });
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
