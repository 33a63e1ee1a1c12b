#!/usr/bin/env node
import { main } from './main.js'

// SIGINT/SIGTERM abort the running command (a reconcile stops between requests); a second one
// exits at once.
const controller = new AbortController()
const stop = (): void => {
  if (controller.signal.aborted) process.exit(130)
  controller.abort(new Error('interrupted'))
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
})
process.off('SIGINT', stop)
process.off('SIGTERM', stop)
