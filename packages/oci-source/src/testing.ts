// @gitops-sdk/oci-source/testing: a real OCI registry for tests and demos.
// Public API like the main entry; it spawns only docker-registry, htpasswd and openssl, and listens only on 127.0.0.1.
export type { StartRegistryOptions, TestRegistry, TestRegistryUser } from './testing/registry.js'
export { authToolsAvailable, registryAvailable, startRegistry } from './testing/registry.js'
