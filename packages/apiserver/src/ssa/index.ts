// The server-side-apply engine of @gitops-sdk/apiserver: pure functions the server calls for
// apply, for the managedFields of every other write, and for strategic merge patch. Internal to the
// package (not exported from src/index.ts).
export type { ApplyOutcome, ApplyRequest } from './applyObject.js'
export { applyObject } from './applyObject.js'
export type { SsaErrorCode, StatusBody } from './errors.js'
export { SsaError } from './errors.js'
export type { UpdateRequest } from './recordUpdate.js'
export { recordUpdate } from './recordUpdate.js'
export type { ResetPaths, ResetPathsOptions } from './resetPaths.js'
export { resetPathsFor } from './resetPaths.js'
export { strategicMergePatch } from './strategicMergePatch.js'
export type { TypeSchema } from './typeSchema.js'
export { builtinTypeSchema, crdTypeSchema } from './typeSchema.js'
