import type { ResourceType } from '../types.js'

/** Flux's `source.toolkit.fluxcd.io/v1` GitRepository, as the GitOps controller watches it. */
export const GITREPOSITORY_RESOURCE: ResourceType = { group: 'source.toolkit.fluxcd.io', version: 'v1', kind: 'GitRepository', plural: 'gitrepositories', namespaced: true }

/** Flux's `kustomize.toolkit.fluxcd.io/v1` Kustomization, as the GitOps controller watches it. */
export const KUSTOMIZATION_RESOURCE: ResourceType = { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', kind: 'Kustomization', plural: 'kustomizations', namespaced: true }

/** The finalizer Flux's controllers put on the objects they reconcile. */
export const FLUX_FINALIZER = 'finalizers.fluxcd.io'

/** Kubernetes Secrets, read for git credentials, decryption keys and remote kubeconfigs. */
export const SECRET_RESOURCE: ResourceType = { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true }
