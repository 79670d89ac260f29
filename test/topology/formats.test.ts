import { describe, expect, test } from 'vitest';
import {
  cookieFormat,
  descriptionFormat,
  domainFormat,
  healthCheckDomainFormat,
  healthCheckUriFormat,
  httpCodeFormat,
  idFormat,
  ipv4Format,
  regionFormat,
  ruleNameFormat,
  textFormat,
  tokenFormat,
  urlFormat,
} from '../../src/topology/formats.js';
import type { StringFormat } from '../../src/topology/params.js';
import { Rejection } from '../../src/topology/reject.js';

function code(format: StringFormat, value: string): string | undefined {
  try {
    format(value, 'P');
    return undefined;
  } catch (err) {
    if (err instanceof Rejection) {
      expect(err.error.param).toBe('P');
      return err.error.code;
    }
    throw err;
  }
}

describe('formats', () => {
  test('domains: exact or *.-wildcard, stored lowercased', () => {
    expect(domainFormat('WWW.Example.COM', 'P')).toBe('www.example.com');
    expect(domainFormat('*.market.example.com', 'P')).toBe('*.market.example.com');
    expect(domainFormat('localhost', 'P')).toBe('localhost');
    for (const bad of [
      'www.*.com',
      '*example.com',
      'example.*',
      'a..b',
      'a_b.com',
      '-a.com',
      'a-.com',
      '*.',
      'ex ample.com',
    ])
      expect(code(domainFormat, bad), bad).toBe('DomainMalformed');
    expect(code(domainFormat, `${'a'.repeat(250)}.com`)).toBe('DomainMalformed');
  });
  test('URLs: start with /, not / alone, ≤ 80 of letters, digits, -/.%?#&', () => {
    for (const ok of ['/a', '/v1/items', '/a-b.c%20?x#y&z']) expect(code(urlFormat, ok), ok).toBeUndefined();
    for (const bad of ['/', 'a', '/a b', '/a_b', `/${'a'.repeat(80)}`])
      expect(code(urlFormat, bad), bad).toBe('UrlMalformed');
    expect(code(urlFormat, `/${'a'.repeat(79)}`)).toBeUndefined();
  });
  test('RuleName: 1–40 letters, digits, -/._', () => {
    expect(code(ruleNameFormat, 'api-v1/x_y.z')).toBeUndefined();
    expect(code(ruleNameFormat, 'a'.repeat(40))).toBeUndefined();
    expect(code(ruleNameFormat, 'a'.repeat(41))).toBe('InvalidParameter');
    expect(code(ruleNameFormat, 'has space')).toBe('InvalidParameter');
    expect(code(ruleNameFormat, '规则')).toBe('InvalidParameter');
  });
  test('Description: 1–80 letters, CJK, digits, -/._', () => {
    expect(code(descriptionFormat, '后端-web_1/a.b')).toBeUndefined();
    expect(code(descriptionFormat, '中'.repeat(80))).toBeUndefined();
    expect(code(descriptionFormat, '中'.repeat(81))).toBe('InvalidParameter');
    expect(code(descriptionFormat, 'a b')).toBe('InvalidParameter');
    expect(code(descriptionFormat, 'a!')).toBe('InvalidParameter');
  });
  test('cookies', () => {
    expect(code(cookieFormat, 'JSESSIONID')).toBeUndefined();
    for (const bad of ['a b', 'a,b', 'a;b', '$a', 'x'.repeat(201), 'é'])
      expect(code(cookieFormat, bad), bad).toBe('InvalidParameter');
  });
  test('health-check settings', () => {
    expect(code(healthCheckUriFormat, '/health')).toBeUndefined();
    expect(code(healthCheckUriFormat, '/')).toBeUndefined();
    expect(code(healthCheckUriFormat, 'health')).toBe('InvalidParameter');
    expect(code(healthCheckDomainFormat, 'a.example.com')).toBeUndefined();
    expect(code(healthCheckDomainFormat, 'a b')).toBe('InvalidParameter');
    expect(httpCodeFormat('http_2xx, http_3xx', 'P')).toBe('http_2xx,http_3xx');
    expect(code(httpCodeFormat, 'http_2xx,http_2xx')).toBe('InvalidParameter');
    expect(code(httpCodeFormat, '200')).toBe('InvalidParameter');
  });
  test('ids, regions, addresses, tokens, text', () => {
    expect(code(idFormat, 'rsp-api.v1_2')).toBeUndefined();
    for (const bad of ['-x', 'a:b', 'a b', 'x'.repeat(129)])
      expect(code(idFormat, bad), bad).toBe('InvalidParameter');
    expect(code(regionFormat, 'ap-southeast-1')).toBeUndefined();
    expect(code(regionFormat, 'hangzhou')).toBe('InvalidRegionId.NotFound');
    expect(code(ipv4Format, '10.0.0.1')).toBeUndefined();
    expect(code(ipv4Format, '10.0.0.256')).toBe('InvalidParameter');
    expect(code(tokenFormat, 'vpc-1')).toBeUndefined();
    expect(code(tokenFormat, ' vpc-1')).toBe('InvalidParameter');
    expect(code(textFormat, 'web server 1')).toBeUndefined();
    expect(code(textFormat, 'a\u0007')).toBe('InvalidParameter');
  });
});
