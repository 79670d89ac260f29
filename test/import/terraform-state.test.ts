import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/cli/command-action.js';
import { ImportLog } from '../../src/import/import-log.js';
import { JsonNode, readJsonFile } from '../../src/import/json-input.js';
import { stateResources } from '../../src/import/terraform-state.js';

function resources(file: string) {
  const { json } = readJsonFile(file);
  if (!json) throw new Error(file);
  const log = new ImportLog();
  const r = stateResources(JsonNode.root(json), log);
  expect(log.diagnostics.map(formatDiagnostic)).toEqual([]);
  return r;
}

describe('stateResources', () => {
  const show = resources('test/import/fixtures/terraform/show.json');
  const raw = resources('test/import/fixtures/terraform/terraform.tfstate');

  it('lists the same resource instances, with the same addresses, from both forms', () => {
    expect(show?.format).toBe('show-json');
    expect(raw?.format).toBe('state-v4');
    const addresses = (r: typeof show) => r?.resources.map((x) => x.address).sort();
    expect(addresses(raw)).toEqual(addresses(show));
    expect(addresses(show)).toEqual(
      expect.arrayContaining([
        'alicloud_instance.web[0]',
        'alicloud_instance.api["1"]',
        'data.alicloud_instances.bastion',
        'module.edge.alicloud_slb_listener.tcp_80',
        'module.edge.alicloud_instance.edge[1]',
      ]),
    );
    expect(show?.resources.length).toBe(39);
  });

  it('points each resource at its attributes', () => {
    const byAddress = (r: typeof show, a: string) => r?.resources.find((x) => x.address === a);
    const a = byAddress(raw, 'alicloud_instance.api["2"]');
    expect(a?.attributes.path.slice(-1)).toEqual(['attributes']);
    expect(a?.attributes.at('availability_zone').value).toBe('cn-hangzhou-i');
    const b = byAddress(show, 'alicloud_instance.api["2"]');
    expect(b?.attributes.path.slice(-1)).toEqual(['values']);
    expect(b?.mode).toBe('managed');
    expect(byAddress(show, 'data.alicloud_zones.default')?.mode).toBe('data');
  });
});
