// The server-side-apply engine of @gitops-sdk/apiserver: pure functions the server calls for
// apply, for the managedFields of every other write, and for strategic merge patch. Internal to the
// package (not exported from src/index.ts).
export type { ApplyOutcome, ApplyRequest } from './fieldmanager/applyObject.js'
export { applyObject } from './fieldmanager/applyObject.js'
export type { SsaErrorCode, StatusBody } from './fieldmanager/errors.js'
export { SsaError } from './fieldmanager/errors.js'
export type { UpdateRequest } from './fieldmanager/recordUpdate.js'
export { recordUpdate } from './fieldmanager/recordUpdate.js'
export type { ResetPaths, ResetPathsOptions } from './fieldmanager/resetPaths.js'
export { resetPathsFor } from './fieldmanager/resetPaths.js'
export { strategicMergePatch } from './strategicpatch/strategicMergePatch.js'
export type { TypeSchema } from './fieldmanager/typeSchema.js'
export { builtinTypeSchema, crdTypeSchema } from './fieldmanager/typeSchema.js'
