// The public contract of @gitops-sdk/oci-source: what is not exported here does not exist.
export type { OciErrorCode } from './errors.js'
export { OciSourceError } from './errors.js'
export {
  CREATED_ANNOTATION,
  FLUX_CONFIG_MEDIA_TYPE,
  FLUX_CONTENT_MEDIA_TYPE,
  OCI_MANIFEST_MEDIA_TYPE,
  REVISION_ANNOTATION,
  SOURCE_ANNOTATION,
} from './mediaTypes.js'
export { openRepository } from './openRepository.js'
export type { OciManifest, OciReadOptions, OciRepository } from './openRepository.js'
export { pullArtifact } from './pullArtifact.js'
export { pushArtifact } from './pushArtifact.js'
export { resolveSemverTag } from './resolveSemverTag.js'
export type { ResolveSemverTagOptions } from './resolveSemverTag.js'
export type {
  LayerSelector,
  OciArtifact,
  OciAuth,
  OciRef,
  PullArtifactOptions,
  PullResult,
  PushArtifactOptions,
  PushedArtifact,
  RegistryOptions,
  UnchangedOciSource,
} from './types.js'
