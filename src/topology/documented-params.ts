/**
 * Documented request parameters that the simulator accepts but does not model (they do not change
 * where a request goes: billing, bandwidth, ACLs, headers, timeouts, tags, certificates …). They
 * are accepted so that calls copied from real tooling fold unchanged; anything neither modelled nor
 * listed here is rejected with `InvalidParameter` naming it, which catches typos such as `Wieght`.
 *
 * Sources: the request structs of aliyun/alibaba-cloud-sdk-go `services/slb` (API 2014-05-15) and
 * the ECS API pages; see docs/MODEL.md (Topology).
 */
import type { ActionName } from './events.js';

/** Accepted by every action: the caller's account fields. */
export const COMMON_IGNORED = ['OwnerId', 'OwnerAccount', 'ResourceOwnerId', 'ResourceOwnerAccount'] as const;

const TAGS = ['Tag', 'Tags'];

const L7_LISTENER = [
  'Bandwidth',
  'XForwardedFor',
  'XForwardedFor_SLBIP',
  'XForwardedFor_SLBID',
  'XForwardedFor_proto',
  'XForwardedFor_SLBPORT',
  'XForwardedFor_ClientSrcPort',
  'XForwardedFor_ClientCertSubjectDN',
  'XForwardedFor_ClientCertIssuerDN',
  'XForwardedFor_ClientCertFingerprint',
  'XForwardedFor_ClientCertClientVerify',
  'IdleTimeout',
  'RequestTimeout',
  'Gzip',
  'ListenerForward',
  'ForwardPort',
  'ForwardCode',
  'AclStatus',
  'AclType',
  'AclId',
  'HealthCheckMethod',
  'HealthCheckType',
  'HealthCheckHttpVersion',
  'MaxConnection',
  'VpcIds',
  ...TAGS,
];

const HTTPS_ONLY = ['ServerCertificateId', 'CACertificateId', 'EnableHttp2', 'TLSCipherPolicy'];

const L4_LISTENER = [
  'Bandwidth',
  'AclStatus',
  'AclType',
  'AclId',
  'ConnectionDrain',
  'ConnectionDrainTimeout',
  'FullNatEnabled',
  'ProxyProtocolV2Enabled',
  'ProxyProtocolVpcIdEnabled',
  'HealthCheckMethod',
  'MaxConnection',
  'VpcIds',
  'MasterSlaveModeEnabled',
  'FailoverStrategy',
  'FailoverThreshold',
  'MasterServerGroupId',
  'SlaveServerGroupId',
  'PortRange',
  ...TAGS,
];

const TCP_ONLY = ['EstablishedTimeout', 'SynProxy', 'HealthCheckTcpFastCloseEnabled'];
const UDP_ONLY = ['healthCheckReq', 'healthCheckExp', 'HealthCheckReq', 'HealthCheckExp'];

/** Per action: documented parameters accepted and ignored. */
export const IGNORED_PARAMS: { readonly [A in ActionName]: readonly string[] } = {
  CreateInstance: ['InstanceType', 'VSwitchId', 'ImageId', 'HostName', 'Description', ...TAGS],
  StartInstance: ['InitLocalDisk'],
  StopInstance: ['ForceStop', 'ConfirmStop', 'StoppedMode'],
  CreateLoadBalancer: [
    'Bandwidth',
    'InternetChargeType',
    'MasterZoneId',
    'SlaveZoneId',
    'PayType',
    'PricingCycle',
    'Duration',
    'AutoPay',
    'ClientToken',
    'ResourceGroupId',
    'AddressIPVersion',
    'DeleteProtection',
    'ModificationProtectionStatus',
    'ModificationProtectionReason',
    'InstanceChargeType',
    'EnableVpcVipFlow',
    ...TAGS,
  ],
  DeleteLoadBalancer: [],
  AddBackendServers: [],
  SetBackendServers: [],
  RemoveBackendServers: [],
  CreateVServerGroup: TAGS,
  AddVServerGroupBackendServers: [],
  RemoveVServerGroupBackendServers: [],
  SetVServerGroupAttribute: [],
  ModifyVServerGroupBackendServers: [],
  DeleteVServerGroup: [],
  CreateMasterSlaveServerGroup: TAGS,
  DeleteMasterSlaveServerGroup: [],
  CreateLoadBalancerHTTPListener: L7_LISTENER,
  CreateLoadBalancerHTTPSListener: [...L7_LISTENER, ...HTTPS_ONLY],
  CreateLoadBalancerTCPListener: [...L4_LISTENER, ...TCP_ONLY],
  CreateLoadBalancerUDPListener: [...L4_LISTENER, ...UDP_ONLY],
  SetLoadBalancerHTTPListenerAttribute: L7_LISTENER,
  SetLoadBalancerHTTPSListenerAttribute: [...L7_LISTENER, ...HTTPS_ONLY],
  SetLoadBalancerTCPListenerAttribute: [...L4_LISTENER, ...TCP_ONLY],
  SetLoadBalancerUDPListenerAttribute: [...L4_LISTENER, ...UDP_ONLY],
  StartLoadBalancerListener: [],
  StopLoadBalancerListener: [],
  DeleteLoadBalancerListener: [],
  CreateRules: [],
  SetRule: [],
  DeleteRules: [],
};
