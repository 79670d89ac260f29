/**
 * Typed values out of input nodes, as the API and Terraform write them: integers as numbers or
 * numeric strings (`"Port": "80"`), switches as `on`/`off` or booleans, text as strings (a number
 * is taken as its decimal text). `null`, `""` and an absent key mean "not given". A value of the
 * wrong kind is an `InvalidValue` problem at its node and reads as not given.
 */
import { descriptionFormat } from '../topology/formats.js';
import { Rejection } from '../topology/reject.js';
import type { ImportLog } from './import-log.js';
import type { ParamSet } from './imported-topology.js';
import { isEmpty, type JsonNode } from './json-input.js';

const INTEGER = /^[+-]?\d+$/;

function show(v: unknown): string {
  return typeof v === 'string'
    ? JSON.stringify(v)
    : Array.isArray(v)
      ? 'a list'
      : typeof v === 'object'
        ? 'an object'
        : String(v);
}

/** An integer (number or numeric string). */
export function intValue(node: JsonNode, log: ImportLog): number | undefined {
  const v = node.value;
  if (isEmpty(v)) return undefined;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && INTEGER.test(v.trim())) return Number(v.trim());
  log.error(node, 'InvalidValue', `expected an integer, got ${show(v)}`);
  return undefined;
}

/** Text (a number is taken as its decimal text). */
export function textValue(node: JsonNode, log: ImportLog): string | undefined {
  const v = node.value;
  if (isEmpty(v)) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  log.error(node, 'InvalidValue', `expected a string, got ${show(v)}`);
  return undefined;
}

/** `on`/`off` (any case) or a boolean, as `on`/`off`. */
export function switchValue(node: JsonNode, log: ImportLog): 'on' | 'off' | undefined {
  const v = node.value;
  if (isEmpty(v)) return undefined;
  if (v === true) return 'on';
  if (v === false) return 'off';
  if (typeof v === 'string' && /^(on|off)$/i.test(v)) return v.toLowerCase() as 'on' | 'off';
  log.error(node, 'InvalidValue', `expected "on" or "off", got ${show(v)}`);
  return undefined;
}

/** Text that must be given (a problem at the node when it is not). */
export function requiredText(node: JsonNode, log: ImportLog, what: string): string | undefined {
  if (isEmpty(node.value)) {
    log.error(node, 'InvalidValue', `${what} is missing`);
    return undefined;
  }
  return textValue(node, log);
}

// ---- into API parameters -------------------------------------------------------------------------

/** An integer field as a parameter; 0 for a field whose range starts at 1 reads as "not set". */
export function setInt(p: ParamSet, name: string, node: JsonNode, log: ImportLog, zeroIsUnset = true): void {
  const n = intValue(node, log);
  if (n === undefined || (zeroIsUnset && n === 0)) return;
  p.set(name, n, node);
}

export function setText(p: ParamSet, name: string, node: JsonNode, log: ImportLog): void {
  p.set(name, textValue(node, log), node);
}

export function setSwitch(p: ParamSet, name: string, node: JsonNode, log: ImportLog): void {
  p.set(name, switchValue(node, log), node);
}

/** A Description the model accepts, or left out (with a notice): it never affects routing. */
export function setDescription(p: ParamSet, node: JsonNode, log: ImportLog, subject: string): void {
  const d = textValue(node, log);
  if (d === undefined) return;
  try {
    p.set('Description', descriptionFormat(d, 'Description'), node);
  } catch (err) {
    if (!(err instanceof Rejection)) throw err;
    log.notice(
      `${subject}: Description ${JSON.stringify(d)} left out (${node.where()}): the model takes 1–80 letters, digits, "-", "/", "." and "_"`,
    );
  }
}

/** HealthCheckDomain; `$_ip` (check with the backend's private IP) is the model's behaviour without one. */
export function setHealthCheckDomain(p: ParamSet, node: JsonNode, log: ImportLog, subject: string): void {
  const domain = textValue(node, log);
  if (domain === '$_ip')
    log.notice(
      `${subject}: HealthCheckDomain $_ip (the backend's private IP) is what the model does without one; left out`,
    );
  else p.set('HealthCheckDomain', domain, node);
}

/** HealthCheckConnectPort; 0 and the API's -520 (check the backend's own port) mean "not set". */
export function setHealthCheckPort(p: ParamSet, node: JsonNode, log: ImportLog, subject: string): void {
  const port = intValue(node, log);
  if (port !== undefined && port <= 0) {
    if (port !== 0)
      log.notice(
        `${subject}: HealthCheckConnectPort ${port} (check the backend's own port) is what the model does without one; left out`,
      );
  } else p.set('HealthCheckConnectPort', port, node);
}
