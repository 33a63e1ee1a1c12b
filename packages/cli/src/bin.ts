#!/usr/bin/env node
import { main } from './main.js'

// SIGINT/SIGTERM abort the running command: every request and read follows the signal, so the
// command ends promptly, then the process ends by that signal. A second signal exits at once.
const controller = new AbortController()
const codes = { SIGINT: 130, SIGTERM: 143 } as const
let received: keyof typeof codes | undefined
const stop = (name: keyof typeof codes): void => {
  if (received !== undefined) process.exit(codes[name])
  received = name
  controller.abort(new Error(`interrupted by ${name}`))
}
const onInt = (): void => stop('SIGINT')
const onTerm = (): void => stop('SIGTERM')
process.on('SIGINT', onInt)
process.on('SIGTERM', onTerm)

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
})
process.off('SIGINT', onInt)
process.off('SIGTERM', onTerm)
if (received === undefined || code === 0) {
  // A command that treats the signal as its normal end (gitops apiserver) exits 0.
  process.exitCode = code
} else {
  // Interrupted: end by the signal itself, as Unix programs do after cleaning up (the shell then
  // shows 130 or 143). process.exit would wait for a read still parked in the thread pool (an
  // open() of a pipe nobody writes to) and never return.
  process.kill(process.pid, received)
}
