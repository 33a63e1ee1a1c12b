// The public contract of @gitops-sdk/cli as a library: the wiring the `gitops` command uses, for
// programs that want the same behaviour. What is not exported here does not exist.
export type { CliIO, OutputStream } from './context.js'
export { main, version } from './main.js'
export type { ReconcilerMetrics } from './metrics.js'
export { createReconcilerMetrics, serveMetrics } from './metrics.js'
export type { GitSourceSpec, ReconcileStepsOptions } from './steps.js'
export { createReconcileSteps } from './steps.js'
export type { ReconcileRecord } from './reconcileRecord.js'
export { readRecord, recordOf, STATUS_ANNOTATION, writeRecord } from './reconcileRecord.js'
