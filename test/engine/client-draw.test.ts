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

  it('fills a block with the requests draw() gives one at a time', () => {
    // Given two draws of the engine benchmark's mix and clients
    const scenario = loadChecked('bench/engine-10m.yaml', {});
    const weights = scenario.traffic!.mix.map((m) => m.weight);
    const one = new RequestDraw(scenario, 's', new AliasTable(weights));
    const block = new RequestDraw(scenario, 's', new AliasTable(weights));
    // When one fills 2 048 requests from offset 5 and the other draws them one by one
    const templates = new Int32Array(2053);
    const ips = new Uint32Array(2053);
    const ports = new Int32Array(2053);
    block.fill(templates, ips, ports, 5, 2048);
    // Then both give the same requests in the same order
    for (let i = 0; i < 2048; i++) {
      one.draw();
      expect([templates[5 + i], ips[5 + i], ports[5 + i]]).toEqual([
        one.template,
        one.clientIp,
        one.clientPort,
      ]);
    }
  });

  it('gives template 0 to every request of a one-template mix, the clients unchanged', () => {
    // Given a one-template mix
    const scenario = loadChecked('bench/engine-10m.yaml', {});
    const draw = new RequestDraw(scenario, 's', new AliasTable([1]));
    const clients = stream32('s', 'clients');
    // When requests are drawn, then every template is 0 and the clients are the clients stream's
    for (let i = 0; i < 1500; i++) {
      draw.draw();
      const c = Math.floor(clients() * 1000 * 10);
      expect([draw.template, draw.clientPort]).toEqual([0, scenario.traffic!.clients.firstPort + (c % 10)]);
    }
  });
});
