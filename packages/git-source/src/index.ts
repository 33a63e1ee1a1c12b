// The public contract of @gitops-sdk/git-source: what is not exported here does not exist.
export type { GitAuth } from './auth.js'
export type { GitErrorCode } from './errors.js'
export { GitSourceError } from './errors.js'
export { fetchSource } from './fetchSource.js'
export type { ParsedRevision } from './revision.js'
export { formatRevision, parseRevision } from './revision.js'
export type {
  GitTransport,
  HttpTransportOptions,
  PackRequest,
  PackResponse,
  RemoteRefs,
  TransportContext,
} from './transport.js'
export { createHttpTransport } from './transport.js'
export type { SshTransportOptions } from './sshTransport.js'
export { createSshTransport } from './sshTransport.js'
export type {
  Artifact,
  FetchPhase,
  FetchProgress,
  FetchResult,
  FetchSourceOptions,
  FetchWarning,
  GitRef,
  GitVerification,
  IncludeSpec,
  UnchangedGitSource,
  VerificationMode,
  VerifiedSignature,
} from './types.js'
