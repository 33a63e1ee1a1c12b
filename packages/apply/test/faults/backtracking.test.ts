import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runIsolated } from '../../../../testing/isolated.js'

// Error texts from an API server, a webhook or a proxy on which a backtracking pattern of apply took
// seconds to hours, or overflowed the stack: white space without a line break, unterminated quoted
// strings, `[]byte{` and `Invalid value: map[` without an end, long runs of URL scheme characters.
// Each runs from the sources in a child process (testing/isolated.ts), bounded, so that a regression
// fails the test instead of holding the test runner: not a timing test, the bound is far from the
// linear time.
const here = fileURLToPath(new URL('.', import.meta.url))

describe('patterns that backtracked', () => {
  it('makes one line of an answer with a long run of spaces in linear time', async () => {
    const run = await runIsolated(`
      import { errorFromStatus, parseStatus } from '../../src/internal/apiErrors.js'
      const body = JSON.stringify({ kind: 'Status', status: 'Failure', reason: 'BadRequest', code: 400, message: 'bad' + ' '.repeat(300_000) + 'value \\n  here' })
      const error = errorFromStatus(parseStatus(400, body), { subject: 'ConfigMap/apps/web', action: 'apply' })
      console.log(error.code, error.message.includes('\\n'), JSON.stringify(error.message.slice(-12)))`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('APPLY_INVALID false "  value here"')
  })

  it('tells a StatefulSet spec update from an answer repeating its phrase in linear time', async () => {
    const run = await runIsolated(`
      import { errorFromStatus, parseStatus } from '../../src/internal/apiErrors.js'
      for (const message of ['updates to a'.repeat(50_000), 'updates to statefulset spec for fields other than ' + 'x '.repeat(300_000) + 'are forbidden']) {
        const body = JSON.stringify({ kind: 'Status', status: 'Failure', reason: 'Invalid', code: 422, message })
        console.log(errorFromStatus(parseStatus(422, body), { subject: 'StatefulSet/apps/db', action: 'apply' }).code)
      }`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim().split('\n')).toEqual(['APPLY_INVALID', 'APPLY_IMMUTABLE_FIELD'])
  })

  it('masks a Secret error of unterminated strings, byte slices and map values in linear time, hiding the value', async () => {
    // 'p4ssw0rd' is no value of the Secret (a form of it the server made, say): only the
    // quoted-string mask hides it. 'hunter22' is, and goes before the patterns run.
    const run = await runIsolated(`
      import { errorFromStatus, parseStatus } from '../../src/internal/apiErrors.js'
      import { secretMask } from '../../src/internal/secretErrors.js'
      const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'apps' }, stringData: { password: 'hunter22' } }
      const mask = secretMask(secret)
      const texts = [
        'data: Invalid value: "p4ssw0rd" "' + '\\\\"'.repeat(300_000),
        'x"p4ssw0rd hunter22x" ' + '[]byte{'.repeat(100_000),
        'Invalid value: map[hunter22'.repeat(25_000),
        '"' + 'x'.repeat(13_000_000) + '\\\\\\\\n' + 'hunter22'.repeat(750_000) + '"',
      ]
      for (const message of texts) {
        const body = JSON.stringify({ kind: 'Status', status: 'Failure', reason: 'Invalid', code: 422, message })
        const error = errorFromStatus(parseStatus(422, body), { subject: 'Secret/apps/db', action: 'apply', secret: mask })
        console.log(error.code, /hunter22|p4ssw0rd/u.test(error.message), error.message.includes('"***"'))
      }`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim().split('\n')).toEqual(['APPLY_INVALID false true', 'APPLY_INVALID false true', 'APPLY_INVALID false false', 'APPLY_INVALID false true'])
  })

  it('shows a server text of long runs of scheme characters without userinfo in linear time', async () => {
    const run = await runIsolated(`
      import { shownServer } from '../../src/internal/transport.js'
      console.log(shownServer('a'.repeat(300_000)).length, shownServer('a://' + 'b'.repeat(300_000)).length, shownServer('x a+b://u:p@host/').length)`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('300000 300004 13')
  })
})


describe('a kubeconfig server URL that backtracked', () => {
  // A server URL with a long run of slashes inside its path: `/\/+$/` on the path (the direct
  // transport's prefix, the URL of a request as onRequest sees it) retried from each slash of the
  // run, quadratically (80,000 slashes took seconds, 300,000 minutes). The request then goes to a
  // closed port and fails as unreachable.
  it('creates a client and sends a request in linear time', async () => {
    const run = await runIsolated(`
      import { createKubeClient } from '../../src/index.js'
      const server = 'http://127.0.0.1:1/' + '/'.repeat(300_000) + 'a'
      const kubeconfigYaml = [
        'apiVersion: v1', 'kind: Config', 'current-context: c',
        'clusters: [{ name: c, cluster: { server: "' + server + '" } }]',
        'contexts: [{ name: c, context: { cluster: c, user: u } }]',
        'users: [{ name: u, user: { token: t0k3n } }]',
      ].join('\\n')
      const urls = []
      const client = await createKubeClient({ kubeconfigYaml, retries: 0, onRequest: (event) => urls.push(event.url) })
      const error = await client.get({ group: '', version: 'v1', kind: 'ConfigMap', namespace: 'apps', name: 'web' }).catch((e) => e)
      console.log(error.code, urls.length > 0 && urls.every((url) => url.startsWith(server + '/')))`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('APPLY_UNREACHABLE true')
  })
})
