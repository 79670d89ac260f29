/**
 * Where a shard's engine takes its arrivals from when they were drawn outside it (`RunOptions.feed`):
 * the next arrival this shard owns, numbered in the whole run. The engine routes what the feed
 * gives and draws nothing itself; `slbsim run --workers N` feeds each shard from the arrival board
 * the shards draw together (engine/draw-board.ts).
 */
export interface ArrivalFeed {
  /** The next arrival's time (its fields are set), or Infinity when the feed is done. */
  next(): number;
  /** The arrival's number in the whole run, its template and its client. */
  readonly id: number;
  readonly template: number;
  readonly clientIp: number;
  readonly clientPort: number;
}
