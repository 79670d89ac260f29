import { describe, expect, it } from 'vitest';
import { AddressMapError, formatAddressMap, parseAddressMap } from '../../src/live/address-map.js';

describe('address map', () => {
  it('round-trips through its file form', () => {
    const map = {
      version: 1 as const,
      backends: [
        { ServerId: 'i-a', Port: 8080, address: '127.0.0.1', port: 40001 },
        { ServerId: 'i-b', Port: 80, address: '127.0.0.1', port: 40002 },
      ],
    };
    const text = formatAddressMap(map);
    expect(text).toBe(
      '{\n  "version": 1,\n  "backends": [\n' +
        '    {"ServerId":"i-a","Port":8080,"address":"127.0.0.1","port":40001},\n' +
        '    {"ServerId":"i-b","Port":80,"address":"127.0.0.1","port":40002}\n  ]\n}\n',
    );
    expect(parseAddressMap(text, 'map.json')).toEqual(map);
  });

  it.each([
    ['not json', 'map.json: not valid JSON'],
    ['{"backends": 3}', 'map.json: expected {"version":1,"backends":[…]}'],
    [
      '{"backends": [{"ServerId": "i-a", "Port": 0, "address": "127.0.0.1", "port": 1}]}',
      'map.json: backends[0].Port: expected a port number 1–65535, got 0',
    ],
    [
      '{"backends": [{"ServerId": "", "Port": 1, "address": "127.0.0.1", "port": 1}]}',
      'map.json: backends[0].ServerId: expected a non-empty string',
    ],
    [
      '{"backends": [{"ServerId": "i-a", "Port": 1, "address": "127.0.0.1", "port": 1}, {"ServerId": "i-a", "Port": 1, "address": "127.0.0.1", "port": 2}]}',
      'map.json: backends[1]: i-a:1 is listed twice',
    ],
  ])('rejects %s with a message naming the problem', (text, message) => {
    expect(() => parseAddressMap(text, 'map.json')).toThrow(AddressMapError);
    expect(() => parseAddressMap(text, 'map.json')).toThrow(message);
  });
});
