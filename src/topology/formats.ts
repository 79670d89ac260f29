/**
 * The string formats CLB documents for names, descriptions, forwarding-rule domains and URLs,
 * cookies and health-check settings (clb-semantics.md §1.1, §3.1, §6), plus the simulator's own
 * rule for the ids a scenario may give. Each is a `StringFormat`: returns the (normalised) value or
 * rejects the call with the documented code and the parameter path.
 */

import { ipToNumber } from '../util/ip.js';
import type { StringFormat } from './params.js';
import { fail } from './reject.js';

function chars(value: string): number {
  return [...value].length;
}

/** Ids a scenario gives (LoadBalancerId, VServerGroupId, RuleId, InstanceId …): no spaces, no `:`. */
const SIM_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const idFormat: StringFormat = (v, path) =>
  SIM_ID.test(v)
    ? v
    : fail(
        'InvalidParameter',
        `${path} ${JSON.stringify(v)} is not a valid id: use 1–128 letters, digits, "-", "_" or ".", starting with a letter or digit.`,
        path,
      );

/** Names and descriptions: 1–80 characters — letters, Chinese characters, digits, `-`, `/`, `.`, `_`. */
const NAME = /^[A-Za-z0-9\p{Script=Han}\-/._]+$/u;
export const nameFormat: StringFormat = (v, path) =>
  chars(v) <= 80 && NAME.test(v)
    ? v
    : fail(
        'InvalidParameter',
        `${path} ${JSON.stringify(v)} is invalid: 1–80 characters of letters, Chinese characters, digits, "-", "/", "." and "_".`,
        path,
      );
export const descriptionFormat = nameFormat;

/** RuleName: 1–40 characters — letters, digits, `-`, `/`, `.`, `_`. */
const RULE_NAME = /^[A-Za-z0-9\-/._]{1,40}$/;
export const ruleNameFormat: StringFormat = (v, path) =>
  RULE_NAME.test(v)
    ? v
    : fail(
        'InvalidParameter',
        `${path} ${JSON.stringify(v)} is invalid: 1–40 characters of letters, digits, "-", "/", "." and "_".`,
        path,
      );

/** Domain: exact (`www.example.com`) or `*.`-prefixed wildcard; letters, digits, `-`, `.`; stored lowercased. */
const DOMAIN = /^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*$/;
export const domainFormat: StringFormat = (v, path) => {
  const d = v.toLowerCase();
  return d.length <= 253 && DOMAIN.test(d) && !d.split('.').some((l) => l.startsWith('-') || l.endsWith('-'))
    ? d
    : fail(
        'DomainMalformed',
        `${path} ${JSON.stringify(v)} is not a valid domain: an exact name (www.example.com) or a wildcard starting with "*." (*.example.com), letters, digits, "-" and "." only.`,
        path,
      );
};

/** Url: starts with `/`, not `/` alone, 1–80 characters of letters, digits and `-/.%?#&`. */
const URL = /^\/[A-Za-z0-9\-/.%?#&]+$/;
export const urlFormat: StringFormat = (v, path) =>
  v.length <= 80 && URL.test(v)
    ? v
    : fail(
        'UrlMalformed',
        `${path} ${JSON.stringify(v)} is not a valid URL: it must start with "/", not be "/" alone, and have at most 80 characters of letters, digits and "-/.%?#&".`,
        path,
      );

/** Cookie name (server mode): 1–200 ASCII characters, no `,`, `;` or space, not starting with `$`. */
const COOKIE = /^[\x21-\x7e]{1,200}$/;
export const cookieFormat: StringFormat = (v, path) =>
  COOKIE.test(v) && !/[,;]/.test(v) && !v.startsWith('$')
    ? v
    : fail(
        'InvalidParameter',
        `${path} ${JSON.stringify(v)} is not a valid cookie name: 1–200 ASCII characters without ",", ";" or spaces, not starting with "$".`,
        path,
      );

/** HealthCheckURI: 1–80 characters starting with `/`: letters, digits and `-/.%?#&`. */
const HC_URI = /^\/[A-Za-z0-9\-/.%?#&]*$/;
export const healthCheckUriFormat: StringFormat = (v, path) =>
  v.length <= 80 && HC_URI.test(v)
    ? v
    : fail(
        'InvalidParameter',
        `${path} ${JSON.stringify(v)} is invalid: 1–80 characters starting with "/", letters, digits and "-/.%?#&".`,
        path,
      );

/** HealthCheckDomain: 1–80 characters of letters, digits, `-` and `.`. */
const HC_DOMAIN = /^[A-Za-z0-9\-.]{1,80}$/;
export const healthCheckDomainFormat: StringFormat = (v, path) =>
  HC_DOMAIN.test(v)
    ? v
    : fail(
        'InvalidParameter',
        `${path} ${JSON.stringify(v)} is invalid: 1–80 characters of letters, digits, "-" and ".".`,
        path,
      );

/** HealthCheckHttpCode: a comma-separated subset of http_2xx, http_3xx, http_4xx, http_5xx. */
const HTTP_CODES = new Set(['http_2xx', 'http_3xx', 'http_4xx', 'http_5xx']);
export const httpCodeFormat: StringFormat = (v, path) => {
  const parts = v.split(',').map((s) => s.trim());
  return parts.every((s) => HTTP_CODES.has(s)) && new Set(parts).size === parts.length
    ? parts.join(',')
    : fail(
        'InvalidParameter',
        `${path} ${JSON.stringify(v)} is invalid: a comma-separated list of http_2xx, http_3xx, http_4xx, http_5xx.`,
        path,
      );
};

/** RegionId: e.g. `cn-hangzhou`, `ap-southeast-1`. */
const REGION = /^[a-z]{2,}(-[a-z0-9]+)+$/;
export const regionFormat: StringFormat = (v, path) =>
  REGION.test(v)
    ? v
    : fail('InvalidRegionId.NotFound', `The specified RegionId ${JSON.stringify(v)} does not exist.`, path);

/** An IPv4 address. */
export const ipv4Format: StringFormat = (v, path) =>
  ipToNumber(v) !== undefined
    ? v
    : fail('InvalidParameter', `${path} ${JSON.stringify(v)} is not an IPv4 address.`, path);

/** Any non-blank text without surrounding whitespace (VpcId, VSwitchId, ZoneId …). */
export const tokenFormat: StringFormat = (v, path) =>
  /^\S(.*\S)?$/.test(v) && v.length <= 128
    ? v
    : fail('InvalidParameter', `${path} ${JSON.stringify(v)} is invalid.`, path);

/** Free text such as an ECS InstanceName: 1–128 printable characters. */
export const textFormat: StringFormat = (v, path) =>
  [...v].length <= 128 && !/\p{Cc}/u.test(v)
    ? v
    : fail('InvalidParameter', `${path} must be 1–128 printable characters.`, path);
