// `npm run demo` runs this file (built to dist/main.js by scripts/run.mjs). SIGINT/SIGTERM abort
// the tour (servers stop, the temporary repository goes); a second one exits at once.
import { runDemo } from './demo.js'

const controller = new AbortController()
const stop = (): void => {
  if (controller.signal.aborted) process.exit(130)
  controller.abort(new Error('interrupted'))
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)

process.exitCode = await runDemo(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
})
process.off('SIGINT', stop)
process.off('SIGTERM', stop)
