// The one seam between the server and the server-side-apply engine (`src/ssa/`): apply, Update
// ownership in managedFields, and strategic merge patch all go through here.
export type { ApplyOutcome, ApplyRequest, ResetPaths, StatusBody as EngineStatus, TypeSchema, UpdateRequest } from '../../ssa/index.js'
export { applyObject, builtinTypeSchema, crdTypeSchema, recordUpdate, resetPathsFor, SsaError, strategicMergePatch } from '../../ssa/index.js'
