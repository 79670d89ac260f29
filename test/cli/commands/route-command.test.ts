import { describe, expect, it } from 'vitest';
import { register } from '../../../src/cli/commands/route-command.js';
import { runCommand } from '../../helpers/cli.js';

const route = (...args: string[]) =>
  runCommand(register, ['route', 'scenarios/seed-case.yaml', '--listener', 'lb-seed:http:80', ...args]);

describe('slbsim route: URL and Host normalisation (issue 10 §1)', () => {
  it('shows the raw and the normalised request and every step', async () => {
    const r = await route('--host', 'API.example.com', '--path', '/x/../%761/items?page=2');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Host: API.example.com  Path: /x/../%761/items?page=2');
    expect(r.stdout).toContain(
      [
        'Normalization (URL matching normalized, as Tengine)',
        '  path: dot segment: "/x/.." → "/"',
        '  path: "%76" → "v"',
        '  path: the query "?page=2" is not part of the path',
        '  Host "API.example.com" → "api.example.com" (lowercased; ngx_http_validate_host)',
        '  the rules see: Host api.example.com  Path /v1/items',
      ].join('\n'),
    );
  });

  it('given a target above the root, then bad-request (HTTP 400) and why; exit 0', async () => {
    const r = await route('--path', '/../etc');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('climbs above the root (ngx_http_parse_complex_uri): Tengine answers 400');
    expect(r.stdout).toContain('✗ bad-request (HTTP 400)');
  });

  it('--json carries urlMatching, normalizedPath and normalization', async () => {
    const r = await route('--host', 'www.example.com', '--path', '//index.html', '--json');
    const d = JSON.parse(r.stdout);
    expect([d.urlMatching, d.path, d.normalizedPath, d.normalization]).toEqual([
      'normalized',
      '//index.html',
      '/index.html',
      ['path: merge_slashes: "//" → "/"'],
    ]);
  });

  it('--url-matching raw matches the raw path and says what Tengine would see', async () => {
    const r = await route('--path', '/a/../b', '--url-matching', 'raw', '--json');
    const d = JSON.parse(r.stdout);
    expect([d.urlMatching, d.normalizedPath, d.status]).toEqual(['raw', '/a/../b', 'ok']);
    expect(d.steps).toContain(
      'URL matching raw: rules compare the path /a/../b byte for byte (Tengine would see /b)',
    );
  });

  it('--url-matching with another value → exit 2 naming the choices', async () => {
    const r = await route('--url-matching', 'decoded');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--url-matching: expected one of normalized, raw, got "decoded"');
  });
});
