// The entry of dist/sdk.cjs, not a module the cli's sources import: core and render bundled into
// one CommonJS file, which the bin requires where the cli's code imports either package (see
// tsup.config.ts). One file, where the packages' own builds are fourteen with their chunks, saves
// `gitops build` a dozen package resolutions and file loads at every start. The two packages export
// no name in common (nor do core's Go and YAML entries), so every name of each is here.
export * from '@gitops-sdk/core'
// core's Go and YAML entries too, for @gitops-sdk/helm as dist/template.cjs bundles it: render
// already holds their modules here, and helm's imports of them then land on this copy of core.
export * from '@gitops-sdk/core/go'
export * from '@gitops-sdk/core/yaml'
export * from '@gitops-sdk/render'
