// The public contract of @gitops-sdk/cli as a library: the command line, runnable in process. The
// reconcile wiring it uses lives in @gitops-sdk/reconcile. What is not exported here does not exist.
export type { CliIO, OutputStream } from './context.js'
export { main, version } from './main.js'
