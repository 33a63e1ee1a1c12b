// The public contract of @gitops-sdk/controller/gitops: Flux's GitRepository and Kustomization
// controllers on the runtime. What is not exported here does not exist.
export type { GitOpsController, GitOpsControllerOptions } from './gitops/createGitOpsController.js'
export { createGitOpsController } from './gitops/createGitOpsController.js'
export type { ClientFactoryOptions, ClientRequest } from './gitops/createClientFactory.js'
export { createClientFactory } from './gitops/createClientFactory.js'
export { FLUX_FINALIZER, GITREPOSITORY_RESOURCE, KUSTOMIZATION_RESOURCE } from './gitops/resources.js'
export type { InstallOptions } from './gitops/installManifests.js'
export { installManifests } from './gitops/installManifests.js'
