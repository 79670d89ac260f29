#!/usr/bin/env node
/**
 * The `slbsim` entry. It starts the shard workers an explicit `run … --workers N` asks for before it
 * loads the command itself (program.ts), so that their threads boot while this one loads the
 * command and the scenario (scale/shard-pool-start.ts).
 */
import { prestartShardPool } from '../scale/shard-pool-start.js';

prestartShardPool(process.argv);
const { main } = await import('./program.js');
await main();
