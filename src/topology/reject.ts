/**
 * How action handlers refuse a call. Handlers validate as they go and `fail(...)` at the first
 * problem; `apply` catches the `Rejection` and turns it into `{ok: false, error}`. Nothing a
 * handler built before the failure escapes, so a rejected event changes nothing.
 */
import { type ClbError, clbError, type ErrorCode } from './clb-errors.js';

export class Rejection extends Error {
  constructor(readonly error: ClbError) {
    super(`${error.code}: ${error.message}`);
    this.name = 'Rejection';
  }
}

/** Reject the current call. `param` is the API parameter path (`BackendServers[3].Weight`). */
export function fail(code: ErrorCode, message: string, param?: string, httpStatus?: number): never {
  throw new Rejection(clbError(code, message, param, httpStatus));
}
