import { describe, expect, it } from 'vitest';
import { loadChecked } from '../../src/cli/run-pipeline.js';
import { AliasTable } from '../../src/engine/alias.js';
import { RequestDraw } from '../../src/engine/client-draw.js';
import { stream32 } from '../../src/util/rng.js';

describe('RequestDraw', () => {
  it('draws a batch ahead the templates and clients of one draw at a time', () => {
    // Given the engine benchmark's mix (6 templates) and clients (1000 IPs × 10 ports)
    const scenario = loadChecked('bench/engine-10m.yaml', {});
    const weights = scenario.traffic!.mix.map((m) => m.weight);
    const draw = new RequestDraw(scenario, 's', new AliasTable(weights));
    // When 3 000 requests are drawn (three batches)
    const reference = new AliasTable(weights);
    const mix = stream32('s', 'mix');
    const clients = stream32('s', 'clients');
    const first = 10 * 2 ** 24 + 1; // 10.0.0.1, the default first client
    for (let i = 0; i < 3000; i++) {
      draw.draw();
      // Then each is the reference draw: template by alias, client c = ⌊r · ips · ports⌋
      const c = Math.floor(clients() * 1000 * 10);
      expect([draw.template, draw.clientIp - first, draw.clientPort]).toEqual([
        reference.draw(mix),
        Math.floor(c / 10),
        scenario.traffic!.clients.firstPort + (c % 10),
      ]);
    }
  });
});
