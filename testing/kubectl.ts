// kubectl for the tests that use it as a second client or as the reference: `$KUBECTL` or
// `kubectl` on PATH. Suites that need it `describe.skipIf(!hasKubectl)`.
import { execFileSync } from 'node:child_process'

/** The kubectl binary the tests run. */
export const kubectl: string = process.env.KUBECTL ?? 'kubectl'

/** Whether kubectl can be run here. */
export const hasKubectl: boolean = ((): boolean => {
  try {
    execFileSync(kubectl, ['version', '--client'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()
