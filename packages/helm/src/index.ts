// The public contract of @gitops-sdk/helm: what is not exported here does not exist.
export type { HelmErrorCode } from './errors.js'
export { HelmError } from './errors.js'
