/**
 * Errors of the topology fold. `code` is CLB's own error code wherever CLB documents one
 * (clb-semantics.md §1.2, §1.4, §3.1 and the "Common error codes" page); where CLB documents
 * none, the code is the simulator's own, marked `origin: 'simulator'` and listed in docs/MODEL.md.
 */
export interface ClbError {
  readonly code: string;
  readonly message: string;
  readonly httpStatus: number;
  /** Path of the offending parameter, e.g. `BackendServers[3].Weight`; absent when it is the whole call. */
  readonly param?: string;
  readonly origin: 'clb' | 'simulator';
}

/** Every code the fold can return, with its HTTP status and whether CLB documents it. */
export const ERROR_CODES = {
  // Generic Alibaba Cloud API errors.
  MissingParameter: { httpStatus: 400, origin: 'clb' },
  InvalidParameter: { httpStatus: 400, origin: 'clb' },
  // Load balancers and quotas.
  'InvalidLoadBalancerId.NotFound': { httpStatus: 404, origin: 'clb' },
  'InvalidRegionId.NotFound': { httpStatus: 404, origin: 'clb' },
  /** A simulator-given LoadBalancerId that is already taken. */
  'InvalidLoadBalancerId.AlreadyExists': { httpStatus: 400, origin: 'simulator' },
  TooManyBackendServers: { httpStatus: 400, origin: 'clb' },
  TooManyRules: { httpStatus: 400, origin: 'clb' },
  'QuotaExceeded.BackendServersNum': { httpStatus: 400, origin: 'simulator' },
  /** Superseded by CLB's own `ListenerNumberOverLimit`; kept for compatibility, not returned. */
  'QuotaExceeded.ListenersNum': { httpStatus: 400, origin: 'simulator' },
  // Backends.
  ObtainIpFail: { httpStatus: 400, origin: 'clb' },
  'InvalidBackendServers.Inconsistent': { httpStatus: 400, origin: 'clb' },
  'InvalidServerId.NotFound': { httpStatus: 404, origin: 'clb' },
  'InvalidWeight.Malformed': { httpStatus: 400, origin: 'clb' },
  BackendServersMalformed: { httpStatus: 400, origin: 'clb' },
  'BackendServer.Duplicated': { httpStatus: 400, origin: 'simulator' },
  'BackendServer.AlreadyExists': { httpStatus: 400, origin: 'simulator' },
  'BackendServer.NotFound': { httpStatus: 400, origin: 'simulator' },
  // Groups.
  /** Not returned: CLB answers `InvalidParameter` (HTTP 404) for an unknown VServerGroupId. */
  'InvalidVServerGroupId.NotFound': { httpStatus: 404, origin: 'simulator' },
  'InvalidVServerGroupId.AlreadyExists': { httpStatus: 400, origin: 'simulator' },
  RspoolVipExist: { httpStatus: 400, origin: 'clb' },
  RspoolRuleExist: { httpStatus: 400, origin: 'clb' },
  VipNotMatchRspool: { httpStatus: 400, origin: 'clb' },
  VServerGroupEmpty: { httpStatus: 400, origin: 'clb' },
  'InvalidMasterSlaveServerGroupId.NotFound': { httpStatus: 404, origin: 'simulator' },
  'InvalidMasterSlaveServerGroupId.AlreadyExists': { httpStatus: 400, origin: 'simulator' },
  /** Not returned: CLB documents `RspoolVipExist` for DeleteMasterSlaveServerGroup of a group in use. */
  'MasterSlaveServerGroup.InUse': { httpStatus: 400, origin: 'simulator' },
  // Listeners.
  ListenerAlreadyExists: { httpStatus: 400, origin: 'clb' },
  ListenerNotFound: { httpStatus: 404, origin: 'clb' },
  ListenerNumberOverLimit: { httpStatus: 400, origin: 'clb' },
  /** Not returned: CLB documents `ListenerNotFound`. */
  'InvalidListener.NotFound': { httpStatus: 404, origin: 'simulator' },
  'Listener.SchedulerNotSupported': { httpStatus: 400, origin: 'simulator' },
  'Listener.GroupConflict': { httpStatus: 400, origin: 'simulator' },
  /** Not returned: CLB answers `InvalidParameter` ("The specified port is not valid."). */
  'InvalidParameter.ListenerPort': { httpStatus: 400, origin: 'simulator' },
  // Rules.
  RuleNotSupport: { httpStatus: 400, origin: 'clb' },
  DomainExist: { httpStatus: 400, origin: 'clb' },
  RuleListMalformed: { httpStatus: 400, origin: 'clb' },
  DomainMalformed: { httpStatus: 400, origin: 'clb' },
  UrlMalformed: { httpStatus: 400, origin: 'clb' },
  'InvalidRuleId.NotFound': { httpStatus: 404, origin: 'clb' },
  'InvalidRuleId.AlreadyExists': { httpStatus: 400, origin: 'simulator' },
  'RuleName.Duplicated': { httpStatus: 400, origin: 'simulator' },
  // ECS side.
  'InvalidInstanceId.NotFound': { httpStatus: 404, origin: 'clb' },
  'InvalidInstanceId.AlreadyExists': { httpStatus: 400, origin: 'simulator' },
  IncorrectInstanceStatus: { httpStatus: 403, origin: 'clb' },
  // Anything else.
  UnknownAction: { httpStatus: 400, origin: 'simulator' },
} as const satisfies Record<string, { httpStatus: number; origin: 'clb' | 'simulator' }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * Build an error. `httpStatus` overrides the code's usual status where CLB documents another one
 * for that case (e.g. `InvalidParameter` with 404 for "The specified VServerGroupId does not exist").
 */
export function clbError(code: ErrorCode, message: string, param?: string, httpStatus?: number): ClbError {
  const entry = ERROR_CODES[code];
  const origin = entry.origin;
  httpStatus ??= entry.httpStatus;
  return param === undefined
    ? { code, message, httpStatus, origin }
    : { code, message, httpStatus, origin, param };
}
