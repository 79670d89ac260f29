import { describe, expect, it } from 'vitest';
import * as slbsim from '../src/index.js';

describe('the library surface', () => {
  it('loads, checks and replays a scenario through the package entry', async () => {
    const loaded = slbsim.loadScenario('scenarios/seed-case.yaml');
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(slbsim.checkScenario(loaded.scenario)).toEqual([]);
    const report = await slbsim.simulateScenario(loaded.scenario, { label: 'scenarios/seed-case.yaml' });
    expect(report.seed).toBe('42');
    expect(report.requests).toBe(3000);
    expect(slbsim.renderReport(report, 'md')).toContain('# slbsim report: seed-case');
  });
  it('folds OpenAPI events and describes the state', () => {
    const { state } = slbsim.fold([
      { action: 'CreateLoadBalancer', params: { LoadBalancerId: 'lb-1', RegionId: 'cn-hangzhou' } },
    ]);
    expect(slbsim.describeState(state).LoadBalancers).toHaveLength(1);
  });
  it('exposes the URL and Host normalisation', () => {
    expect(slbsim.normalizeUri('/static/../%61pi')).toBe('/api');
    expect(slbsim.validateHost('API.example.com.:80')).toBe('api.example.com');
  });
  it('exposes the schedulers', () => {
    const s = slbsim.createScheduler({ name: 'wrr', layer: 7 });
    s.update({ keys: ['a', 'b', 'c'], weights: [5, 1, 1], eligible: [1, 1, 1] });
    expect(Array.from({ length: 7 }, () => 'ABC'[s.pick(0)]).join('')).toBe('AABACAA');
  });
});
