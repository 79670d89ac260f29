import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/util/duration.js';

describe('parseDuration', () => {
  it('reads every unit into integer microseconds', () => {
    expect(parseDuration('1500us')).toBe(1500);
    expect(parseDuration('250ms')).toBe(250_000);
    expect(parseDuration('30s')).toBe(30_000_000);
    expect(parseDuration('2m')).toBe(120_000_000);
    expect(parseDuration('1h')).toBe(3_600_000_000);
    expect(parseDuration('1.5s')).toBe(1_500_000);
  });
  it('treats a bare number as seconds', () => {
    expect(parseDuration(2)).toBe(2_000_000);
    expect(parseDuration('2')).toBe(2_000_000);
  });
  it('rejects what is not a duration', () => {
    expect(parseDuration('soon')).toBeUndefined();
    expect(parseDuration('-1s')).toBeUndefined();
    expect(parseDuration(-1)).toBeUndefined();
    expect(parseDuration(null)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it('prints the shortest readable form', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(250_000)).toBe('250ms');
    expect(formatDuration(1_500_000)).toBe('1.5s');
    expect(formatDuration(150_000_000)).toBe('2m30s');
  });
});
