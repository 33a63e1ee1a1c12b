// The head every apiserver fault file shares: one server for the file, started before its tests and
// stopped after them, and a check after each test that no prototype was polluted. The server is
// reached through a function of the returned object, not handed out as a value: the file's tests
// run after beforeAll has started it, and a call before that fails with a message saying so.
import { afterAll, afterEach, beforeAll } from 'vitest'
import { startApiServer } from '../../src/index.js'
import type { ApiServer, ApiServerOptions } from '../../src/index.js'
import { assertNoPollution } from '../../../../testing/pollution.js'

/** What a fault file uses of its server. */
export interface FaultServer {
  /** The file's running server. */
  readonly server: () => ApiServer
}

/**
 * Registers the file's hooks: a server started with `options` before its tests (stopped after
 * them), and assertNoPollution after each test. Call it once, at the top level of a test file.
 */
export function faultServer(options?: ApiServerOptions): FaultServer {
  const started: ApiServer[] = []
  beforeAll(async () => {
    started.push(await startApiServer(options))
  })
  afterAll(async () => {
    await Promise.all(started.splice(0).map((s) => s.stop()))
  })
  afterEach(() => {
    assertNoPollution()
  })
  return {
    server: () => {
      const [running] = started
      if (running === undefined) throw new Error('faultServer: the server is not running (used outside the tests?)')
      return running
    },
  }
}
