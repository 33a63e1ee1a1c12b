// The public contract of @gitops-sdk/apiserver: what is not exported here does not exist.
export { ApiServer } from './apiServer.js'
export { ApiServerFaults } from './apiServerFaults.js'
export type { ApiServerErrorCode } from './errors.js'
export { ApiServerError } from './errors.js'
export { parseTokenAuthFile } from './parseTokenAuthFile.js'
export { startApiServer } from './startApiServer.js'
export type {
  ApiServerOptions,
  ApiServerUser,
  Fault,
  FinalizeOptions,
  Interceptor,
  KubeconfigOptions,
  RecordedRequest,
  SetStatusOptions,
  Snapshot,
} from './types.js'
export type { FaultMode, FaultRule, FaultScope } from './faultTypes.js'
