// The entry of dist/sdk.cjs, not a module the cli's sources import: core and render bundled into
// one CommonJS file, which the bin requires where the cli's code imports either package (see
// tsup.config.ts). One file, where the packages' own builds are fourteen with their chunks, saves
// `gitops build` a dozen package resolutions and file loads at every start. The two packages export
// no name in common, so every name of both is here.
export * from '@gitops-sdk/core'
export * from '@gitops-sdk/render'
