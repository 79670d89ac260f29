import { readFileSync } from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { register as exportCmd } from '../../../src/cli/commands/export-command.js';
import { register as live } from '../../../src/cli/commands/live-command.js';
import { register as probe } from '../../../src/cli/commands/probe-command.js';
import { parseAddressMap } from '../../../src/live/address-map.js';
import { runCommand } from '../../helpers/cli.js';
import { scenarioFile, scenarioText } from '../../live/scenario-fixture.js';

describe('slbsim live (CLI)', () => {
  it('runs exact mode and prints the report with the live section as JSON; exit 0', async () => {
    const file = scenarioFile(scenarioText());
    const r = await runCommand(live, [
      'live',
      file,
      '--amount',
      '700',
      '--connections',
      '1',
      '--format',
      'json',
    ]);
    expect(r.stderr).toMatch(/lb-t:http:80 → http:\/\/127\.0\.0\.1:\d+/);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.requests).toBe(700);
    expect(
      json.groups
        .find((g: { VServerGroupId: string }) => g.VServerGroupId === 'rsp-w')
        .backends.map((b: { count: number }) => b.count),
    ).toEqual([500, 100, 100]);
    expect(json.live.accounting).toEqual({
      sent: 700,
      completed: 700,
      failed: 0,
      lost: 0,
      inFlight: 0,
      balanced: true,
    });
    expect(json.live.countsAgree).toBe(true);
    expect(json.live.crossCheck.passed).toBe(true);
    expect(json.live.crossCheck.groups[0].maxAbsDiff).toBe(0);
  });

  it('writes report files with --out, in every format', async () => {
    const file = scenarioFile(scenarioText());
    const out = join(dirname(file), 'out');
    const r = await runCommand(live, ['live', file, '--amount', '70', '--out', out, '--format', 'md']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('## Live run');
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain(
      '## Cross-check: live vs the simulation of the same requests',
    );
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).live.accounting.sent).toBe(70);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<h2>Live run</h2>');
    expect(html).not.toMatch(/(src|href)="https?:/);
  });

  it('Ctrl-C stops the run, closes everything and writes a partial report; exit 130', async () => {
    const file = scenarioFile(scenarioText());
    const out = join(dirname(file), 'partial');
    const timer = setTimeout(() => process.emit('SIGINT'), 400);
    const r = await runCommand(live, ['live', file, '--duration', '30s', '--connections', '2', '--out', out]);
    clearTimeout(timer);
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('interrupted: stopping the load and every server, writing a partial report');
    expect(r.stdout).toContain('Live run (PARTIAL: interrupted)');
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).partial).toBe(true);
  });

  it.each([
    [['--amount', '0'], '--amount: expected a whole number ≥ 1 in decimal digits (e.g. 5000), got "0"'],
    [['--amount', '5', '--duration', '1s'], 'give either --amount or --duration, not both'],
    [['--duration', 'soon'], '--duration: expected a duration such as 30s or 2m, got "soon"'],
    [['--format', 'pdf'], '--format: expected one of table, json, md, html, got "pdf"'],
    [['--time-scale', '-1'], '--time-scale: expected a number > 0, got "-1"'],
    [['--map-out', 'x.json'], '--map-out needs --backends-only'],
  ])('bad option %j → exit 2 with a clear message', async (args, message) => {
    const file = scenarioFile(scenarioText());
    const r = await runCommand(live, ['live', file, ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toContain('internal error');
  });

  it('a proxy port already in use → exit 2 naming the port', async () => {
    const squatter = net.createServer();
    await new Promise<void>((res) => squatter.listen(0, '127.0.0.1', res));
    const port = (squatter.address() as net.AddressInfo).port;
    try {
      const file = scenarioFile(scenarioText());
      const r = await runCommand(live, [
        'live',
        file,
        '--amount',
        '10',
        '--listen-port-offset',
        String(port - 80),
      ]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `live: 127.0.0.1:${port} is already in use (proxy for listener lb-t:http:80)`,
      );
    } finally {
      squatter.close();
    }
  });

  it('--backends-only writes the address map and stops after --duration', async () => {
    const file = scenarioFile(scenarioText());
    const map = join(dirname(file), 'map.json');
    const r = await runCommand(live, [
      'live',
      file,
      '--backends-only',
      '--duration',
      '300ms',
      '--map-out',
      map,
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('3 backend(s) listening on 127.0.0.1; stopping after 0.3 s');
    const parsed = parseAddressMap(readFileSync(map, 'utf8'), map);
    expect(parsed.backends.map((b) => `${b.ServerId}:${b.Port}`)).toEqual([
      'i-a:8080',
      'i-b:8080',
      'i-c:8080',
    ]);
    expect(parsed.backends.every((b) => b.address === '127.0.0.1' && b.port > 0)).toBe(true);
  });
});

describe('slbsim export nginx (CLI)', () => {
  it('prints the configuration, and names the listener ports on stderr', async () => {
    const file = scenarioFile(
      scenarioText()
        .replace(
          '{ InstanceId: i-a, RegionId: cn-hangzhou, VpcId: vpc-1 }',
          '{ InstanceId: i-a, RegionId: cn-hangzhou, VpcId: vpc-1, PrivateIpAddress: 10.0.0.1 }',
        )
        .replace(
          '{ InstanceId: i-b, RegionId: cn-hangzhou, VpcId: vpc-1 }',
          '{ InstanceId: i-b, RegionId: cn-hangzhou, VpcId: vpc-1, PrivateIpAddress: 10.0.0.2 }',
        )
        .replace(
          '{ InstanceId: i-c, RegionId: cn-hangzhou, VpcId: vpc-1 }',
          '{ InstanceId: i-c, RegionId: cn-hangzhou, VpcId: vpc-1, PrivateIpAddress: 10.0.0.3 }',
        ),
    );
    const r = await runCommand(exportCmd, ['export', 'nginx', file, '--listen-port-offset', '20000']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('lb-t:http:80 → nginx on 127.0.0.1:20080');
    expect(r.stdout).toContain('server 10.0.0.1:8080 weight=5 max_fails=0;  # i-a:8080 Weight 5');
  });

  it('without addresses or a map → exit 2 saying what to pass', async () => {
    const file = scenarioFile(scenarioText());
    const r = await runCommand(exportCmd, ['export', 'nginx', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'export nginx: i-a has no PrivateIpAddress (needed by lb-t:http:80/listener-vserver-group/rsp-w); pass --backends map.json',
    );
  });

  it('an --out file that cannot be written → exit 2', async () => {
    const file = scenarioFile(scenarioText());
    const map = join(dirname(file), 'map.json');
    await runCommand(live, ['live', file, '--backends-only', '--duration', '50ms', '--map-out', map]);
    const r = await runCommand(exportCmd, [
      'export',
      'nginx',
      file,
      '--backends',
      map,
      '--out',
      '/nonexistent/dir/nginx.conf',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--out: cannot write /nonexistent/dir/nginx.conf (ENOENT)');
  });

  it('a missing map file → exit 2', async () => {
    const file = scenarioFile(scenarioText());
    const r = await runCommand(exportCmd, ['export', 'nginx', file, '--backends', '/nonexistent/map.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--backends: /nonexistent/map.json: cannot read the address map (ENOENT)');
  });
});

describe('slbsim probe (CLI)', () => {
  it('a target that does not answer → exit 2', async () => {
    const squatter = net.createServer();
    await new Promise<void>((res) => squatter.listen(0, '127.0.0.1', res));
    const port = (squatter.address() as net.AddressInfo).port;
    await new Promise<void>((res) => squatter.close(() => res()));
    const file = scenarioFile(scenarioText());
    const r = await runCommand(probe, [
      'probe',
      file,
      '--target',
      `http://127.0.0.1:${port}`,
      '--amount',
      '5',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`http://127.0.0.1:${port}: no response to any of`);
  });

  it('an unknown listener → exit 2', async () => {
    const file = scenarioFile(scenarioText());
    const r = await runCommand(probe, [
      'probe',
      file,
      '--target',
      'http://127.0.0.1:9',
      '--listener',
      'lb-x:http:1',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--listener lb-x:http:1: not in the scenario's request mix (lb-t:http:80)");
  });
});
