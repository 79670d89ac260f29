/** A sweep's run sample of one scope (`lb:http:80`, group `rsp` "web"), for the spread tests. */
import type { EpochSample, RunSample } from '../../src/scale/run-sample.js';

export function runSample(seed: string, epochs: EpochSample[], failed = 0): RunSample {
  return {
    seed,
    requests: 100,
    served: 100,
    partial: false,
    expectations: { passed: 1 - failed, failed },
    scopes: [
      {
        scope: 'lb:http:80 listener-vserver-group',
        group: 'rsp',
        groupName: 'web',
        listener: 'lb:http:80',
        epochs,
      },
    ],
  };
}
