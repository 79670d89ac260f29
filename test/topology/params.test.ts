import { describe, expect, test } from 'vitest';
import {
  coerceEnum,
  coerceInt,
  coerceList,
  coerceObject,
  coerceOnOff,
  coerceString,
  isAbsent,
  ParamReader,
  suggest,
} from '../../src/topology/params.js';
import { Rejection } from '../../src/topology/reject.js';

/** The error a coercion throws. */
function errorOf(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    if (err instanceof Rejection) return err.error;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('coerceInt', () => {
  test('accepts numbers and numeric strings', () => {
    expect(coerceInt(80, 'Port', { min: 1, max: 65535 })).toBe(80);
    expect(coerceInt('80', 'Port', { min: 1, max: 65535 })).toBe(80);
    expect(coerceInt(' 7 ', 'Port', { min: 1, max: 65535 })).toBe(7);
    expect(coerceInt('+0', 'W', { min: 0, max: 100 })).toBe(0);
  });
  test('rejects non-integers with the path', () => {
    expect(errorOf(() => coerceInt('8o', 'BackendServers[1].Port', { min: 1, max: 9 }))).toMatchObject({
      code: 'InvalidParameter',
      param: 'BackendServers[1].Port',
    });
    expect(errorOf(() => coerceInt(1.5, 'X', { min: 0, max: 9 })).code).toBe('InvalidParameter');
    expect(errorOf(() => coerceInt(true, 'X', { min: 0, max: 9 })).code).toBe('InvalidParameter');
    expect(errorOf(() => coerceInt('1.5', 'X', { min: 0, max: 9 })).code).toBe('InvalidParameter');
  });
  test('out of range uses the range code', () => {
    expect(
      errorOf(() => coerceInt(101, 'W', { min: 0, max: 100, code: 'InvalidWeight.Malformed' })),
    ).toMatchObject({
      code: 'InvalidWeight.Malformed',
      param: 'W',
    });
    expect(errorOf(() => coerceInt(0, 'P', { min: 1, max: 2 })).code).toBe('InvalidParameter');
  });
});

describe('other coercions', () => {
  test('strings: numbers become decimal text, other values are rejected', () => {
    expect(coerceString('a', 'X')).toBe('a');
    expect(coerceString(12, 'X')).toBe('12');
    expect(errorOf(() => coerceString({}, 'X')).message).toContain('an object');
    expect(errorOf(() => coerceString([], 'X')).message).toContain('a list');
  });
  test('on/off switches accept any case and booleans', () => {
    expect(coerceOnOff('on', 'S')).toBe('on');
    expect(coerceOnOff('OFF', 'S')).toBe('off');
    expect(coerceOnOff(true, 'S')).toBe('on');
    expect(coerceOnOff(false, 'S')).toBe('off');
    expect(errorOf(() => coerceOnOff('yes', 'S'))).toMatchObject({ code: 'InvalidParameter', param: 'S' });
  });
  test('enums: exact, or case-insensitive returning the listed casing', () => {
    expect(coerceEnum('wrr', 'Scheduler', ['wrr', 'rr'])).toBe('wrr');
    expect(errorOf(() => coerceEnum('WRR', 'Scheduler', ['wrr', 'rr'])).param).toBe('Scheduler');
    expect(coerceEnum('HTTP', 'P', ['http', 'tcp'], true)).toBe('http');
    expect(errorOf(() => coerceEnum(3, 'P', ['http'])).code).toBe('InvalidParameter');
  });
  test('lists: arrays or their JSON strings', () => {
    expect(coerceList([1], 'L', 'RuleListMalformed')).toEqual([1]);
    expect(coerceList('[{"a":1}]', 'L', 'RuleListMalformed')).toEqual([{ a: 1 }]);
    expect(errorOf(() => coerceList('[{', 'RuleList', 'RuleListMalformed'))).toMatchObject({
      code: 'RuleListMalformed',
      param: 'RuleList',
    });
    expect(errorOf(() => coerceList('{}', 'L', 'BackendServersMalformed')).code).toBe(
      'BackendServersMalformed',
    );
    expect(errorOf(() => coerceList(5, 'L', 'BackendServersMalformed')).code).toBe('BackendServersMalformed');
  });
  test('objects', () => {
    expect(coerceObject({ a: 1 }, 'E', 'BackendServersMalformed')).toEqual({ a: 1 });
    for (const bad of [null, [], 'x', 1])
      expect(errorOf(() => coerceObject(bad, 'E[0]', 'BackendServersMalformed'))).toMatchObject({
        code: 'BackendServersMalformed',
        param: 'E[0]',
      });
  });
  test('absent values', () => {
    expect(isAbsent(undefined)).toBe(true);
    expect(isAbsent(null)).toBe(true);
    expect(isAbsent('')).toBe(true);
    expect(isAbsent(0)).toBe(false);
  });
  test('suggest finds likely typos only', () => {
    expect(suggest('Wieght', ['Weight', 'Port'])).toBe('Weight');
    expect(suggest('BackendServer', ['BackendServers', 'Port'])).toBe('BackendServers');
    expect(suggest('Completely', ['Weight', 'Port'])).toBeUndefined();
  });
});

describe('ParamReader', () => {
  test('reads with paths and prefixes', () => {
    const p = ParamReader.entry(
      { Port: '80', Weight: null, Name: '' },
      'BackendServers[2]',
      'BackendServersMalformed',
    );
    expect(p.path('Port')).toBe('BackendServers[2].Port');
    expect(p.int('Port', { min: 1, max: 65535 })).toBe(80);
    expect(p.int('Weight', { min: 0, max: 100 })).toBeUndefined();
    expect(p.has('Name')).toBe(false);
    expect(errorOf(() => p.reqStr('ServerId'))).toMatchObject({
      code: 'MissingParameter',
      param: 'BackendServers[2].ServerId',
    });
    expect(errorOf(() => p.reqInt('Missing', { min: 0, max: 1 })).code).toBe('MissingParameter');
    expect(errorOf(() => p.reqList('Missing', 'RuleListMalformed')).code).toBe('MissingParameter');
  });
  test('allow rejects unknown names with a hint', () => {
    const p = new ParamReader({ Wieght: 1 });
    const e = errorOf(() => p.allow(new Set(['Weight']), 'AddBackendServers'));
    expect(e).toMatchObject({ code: 'InvalidParameter', param: 'Wieght' });
    expect(e.message).toBe('Unknown parameter Wieght for AddBackendServers (did you mean Weight?)');
    expect(errorOf(() => new ParamReader({ Zzzzzz: 1 }).allow(new Set(['Weight']))).message).toBe(
      'Unknown parameter Zzzzzz.',
    );
  });
});
