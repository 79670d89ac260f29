import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeRuleUrl,
  explainUri,
  normalizeUri,
  normalUriEnd,
  showBytes,
  URI_COMPLEX,
  URI_INVALID,
} from '../../src/routing/uri-normalize.js';

/**
 * Every expectation below is what nginx 1.22.1 answered (its `$uri`, or 400) for that request
 * target with `merge_slashes on`; uri-normalize.nginx.int.test.ts re-checks random targets live.
 */
const NGINX_1_22: ReadonlyArray<readonly [string, string | null]> = [
  ['/api/../x', '/x'],
  ['/static/../api/v2', '/api/v2'],
  ['/%61pi/v2', '/api/v2'],
  ['/%7Euser/x', '/~user/x'],
  ['/..', null],
  ['/../x', null],
  ['/a/../../x', null],
  ['/./api', '/api'],
  ['/a/.', '/a/'],
  ['/a/..', '/'],
  ['/a/..?q=1', '/'],
  ['/a/b#frag', '/a/b'],
  ['/a#b?c', '/a'],
  ['/a?b#c', '/a'],
  ['//a//b', '/a/b'],
  ['/a%2Fb', '/a/b'],
  ['/a%2F%2Fb', '/a/b'],
  ['/a/%2E%2E/b', '/b'],
  ['/a/%2e%2e%2fb', '/b'],
  ['/%00', null],
  ['/a%', null],
  ['/a%2', null],
  ['/a%zz', null],
  ['/a%3F?x', '/a?'],
  ['/a%23b', '/a#b'],
  ['/a%25b', '/a%b'],
  ['/a%2B', '/a+'],
  ['/a+b', '/a+b'],
  ['/a..b', '/a..b'],
  ['/a/...b', '/a/...b'],
  ['/a/.b', '/a/.b'],
  ['/a/..b', '/a/..b'],
  ['/a/b/..c', '/a/b/..c'],
  ['/%2e/x', '/x'],
  ['/%2e%2e', null],
  ['/.%2e/x', null],
  ['/a/.%00', null],
  ['/a%20b', '/a b'],
  ['/%C3%A9', '/\u00c3\u00a9'],
  ['/a\\b', '/a\\b'],
  ['/a/./', '/a/'],
  ['/#', '/'],
  ['/a?', '/a'],
  ['/?a', '/'],
  ['/a//../b', '/b'],
  ['/a/..//b', '/b'],
  ['//../b', null],
  ['/a/b//..', '/a/'],
  ['/a/b/%2E%2E%2F%2E%2E/c', '/c'],
  ['/..%2F', null],
  ['/a/..%3F', '/a/..?'],
  ['/a/.%3Fb', '/a/.?b'],
  ['/a/%2E', '/a/'],
  ['/a/%2E%2E', '/'],
  ['/a/%2E%2E?x', '/'],
  ['/a/.#x', '/a/'],
  ['/a/..#x', '/'],
  ['/a%2F..%2Fb', '/b'],
  ['/a/%2F', '/a/'],
  ['/...', '/...'],
  ['/a/.....', '/a/.....'],
  ['/%2E.', null],
  ['*', null],
  ['/a/%23/../b', '/a/b'],
  ['/a/%25/../b', '/a/b'],
  ['/a%2E%2E', '/a..'],
  ['/a/%2e%2E/%2e/b', '/b'],
  ['/a%00b', null],
  ['/a%0ab', '/a\nb'],
  ['/a%7f', '/a\u007f'],
  ['/a%FF', '/a\u00ff'],
  ['/a\u0001b', null],
  ['/a\u007fb', null],
  ['/a\tb', null],
  ['/a b', null],
  ['/a\u00e9b', '/a\u00e9b'],
  ['/a?b\u0001c', null],
  ['/a#\u0001', null],
  ['/a?%zz', '/a'],
  ['/a#%zz', '/a'],
  ['/a#/../..', '/a'],
  ['/a?/../..', '/a'],
  ['', null],
];

/** The same targets with `merge_slashes off` (nginx 1.22.1). */
const NGINX_1_22_NO_MERGE: ReadonlyArray<readonly [string, string | null]> = [
  ['//a//b', '//a//b'],
  ['/a%2F%2Fb', '/a//b'],
  ['/a//../b', '/a/b'],
  ['/a/..//b', '//b'],
  ['//../b', '/b'],
  ['/a/b//..', '/a/b/'],
];

describe('normalizeUri: the path nginx matches locations against', () => {
  it.each(NGINX_1_22)('given %j, then nginx 1.22 matches %j (null: 400)', (target, expected) => {
    expect(normalizeUri(target)).toBe(expected);
  });

  it.each(NGINX_1_22_NO_MERGE)('given merge_slashes off and %j, then %j', (target, expected) => {
    expect(normalizeUri(target, false)).toBe(expected);
  });

  it('given characters above U+00FF, then they are matched as their UTF-8 bytes, as %-escapes of them are', () => {
    expect(normalizeUri('/\u4e2d')).toBe(normalizeUri('/%E4%B8%AD'));
    expect(normalizeUri('/\u4e2d')).toBe('/\u00e4\u00b8\u00ad');
    expect(normalizeUri('/\u{1f600}')).toBe(normalizeUri('/%F0%9F%98%80'));
  });

  it('is idempotent on the paths it produces when they hold no escape-like or control bytes', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\/[a-z./]{0,20}$/), (target) => {
        const once = normalizeUri(target);
        if (once === null) return;
        expect(normalizeUri(once)).toBe(once);
      }),
    );
  });
});

describe('normalUriEnd: the allocation-free fast path', () => {
  it('given an already normal target, then it returns where the path ends (the query excluded)', () => {
    expect(normalUriEnd('/')).toBe(1);
    expect(normalUriEnd('/v1/items?page=1')).toBe(9);
    expect(normalUriEnd('/a.b/c..d/e')).toBe(11);
    expect(normalUriEnd('/a?x/../%zz')).toBe(2);
  });

  it('given escapes, dot segments, double slashes, a fragment or wide characters, then it defers', () => {
    for (const t of ['/%61', '/a/./b', '/a/../b', '//a', '/a#b', '/.', '/\u4e2d'])
      expect(normalUriEnd(t)).toBe(URI_COMPLEX);
  });

  it('given a target nginx rejects on the request line, then it says invalid', () => {
    for (const t of ['', '*', 'a/b', '/a b', '/a\u0001', '/a?b c', '/a?\u007f'])
      expect(normalUriEnd(t)).toBe(URI_INVALID);
  });

  it('agrees with normalizeUri on every target it accepts (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\/[a-z0-9./%#? ]{0,16}$/), (target) => {
        const end = normalUriEnd(target);
        if (end >= 0) expect(normalizeUri(target)).toBe(target.slice(0, end));
        else if (end === URI_INVALID) expect(normalizeUri(target)).toBeNull();
      }),
    );
  });
});

describe('explainUri: the steps for slbsim route', () => {
  it('given escapes and dot segments, then it lists each step in order', () => {
    const e = explainUri('/static/%2E%2E/%61pi//v2?x=1');
    expect(e.normalized).toBe('/api/v2');
    expect(e.error).toBeNull();
    expect(e.steps).toEqual([
      '"%2E" → "."',
      '"%2E" → "."',
      'dot segment: "/static/.." → "/"',
      '"%61" → "a"',
      'merge_slashes: "//" → "/"',
      'the query "?x=1" is not part of the path',
    ]);
  });

  it('given an invalid target, then it says why nginx answers 400', () => {
    expect(explainUri('/..').error).toBe('"/.." in "/.." climbs above the root');
    expect(explainUri('/a%zz').error).toBe('malformed escape "%zz"');
    expect(explainUri('/a%2').error).toBe('malformed escape "%2" at the end');
    expect(explainUri('/a%00').error).toBe('%00 decodes to a NUL byte');
    expect(explainUri('*').error).toBe('the target "*" does not start with /');
    expect(explainUri('/a b').error).toBe('the target "/a b" holds a control character, space or DEL');
  });

  it('given a normal target, then there is nothing to do', () => {
    expect(explainUri('/a/b')).toEqual({ normalized: '/a/b', steps: [], error: null });
  });
});

describe('decodeRuleUrl: a rule URL as nginx compares it', () => {
  it('decodes escapes and changes nothing else', () => {
    expect(decodeRuleUrl('/%7Euser')).toBe('/~user');
    expect(decodeRuleUrl('/a/../b')).toBe('/a/../b');
    expect(decodeRuleUrl('/a?b#c')).toBe('/a?b#c');
    expect(decodeRuleUrl('/a%3Fb')).toBe('/a?b');
    expect(decodeRuleUrl('/%E4%B8%AD')).toBe('/\u00e4\u00b8\u00ad');
    expect(decodeRuleUrl('/plain')).toBe('/plain');
  });

  it('given a malformed escape or %00, then the rule can match nothing (null)', () => {
    expect(decodeRuleUrl('/a%zz')).toBeNull();
    expect(decodeRuleUrl('/a%2')).toBeNull();
    expect(decodeRuleUrl('/a%00')).toBeNull();
  });
});

describe('showBytes', () => {
  it('shows controls, space, DEL and high bytes as %XX', () => {
    expect(showBytes('/a b\u00c3\u00a9\n\u007f')).toBe('/a%20b%C3%A9%0A%7F');
  });
});
