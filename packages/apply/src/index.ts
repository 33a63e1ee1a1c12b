// The public contract of @gitops-sdk/apply: what is not exported here does not exist.
export type { ApplyErrorCode, ApplyErrorInit, ApplyFailure } from './errors.js'
export { ApplyError } from './errors.js'
export type {
  ApiRequestEvent,
  ApiResource,
  DeleteRequestOptions,
  KindTarget,
  KubeClient,
  ListQuery,
  ObjectList,
  ObjectTarget,
  PropagationPolicy,
  RequestOptions,
  ServerSideApplyOptions,
} from './kubeClient.js'
export type { Impersonation, KubeClientOptions } from './createKubeClient.js'
export { createKubeClient } from './createKubeClient.js'
