// YAML request bodies nested too deep to parse: a create under application/yaml and a server-side
// apply patch are answered 400 with a Status, as kube-apiserver answers a body it cannot decode,
// and nothing is stored. The bodies that used to abort the server process outright ("RegExpCompiler
// Allocation failed", which no catch stops) are sent to a server in a child process, so that a
// regression fails this test instead of killing the runner.
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runIsolated } from '../../../../testing/isolated.js'
import { startApiServer } from '../../src/index.js'
import type { ApiServer } from '../../src/index.js'
import { raw } from '../helpers/kube.js'

const base = '/api/v1/namespaces/default/configmaps'
const tooDeep = /: line \d+: nested more than 512 levels deep, the deepest the YAML parser composes$/u

describe('YAML bodies nested too deep', () => {
  it('answers the bodies that aborted the server 400 with a Status and stores nothing, in a child process', async () => {
    const run = await runIsolated(
      `
      import { startApiServer } from './src/index.ts'
      import { raw } from './test/helpers/kube.ts'
      const server = await startApiServer()
      const head = 'apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: deep}\\ndata:'
      const bodies = [head + ' ' + '['.repeat(1e5), head + '\\n' + '- '.repeat(2e5) + '\\n']
      const answers = []
      for (const body of bodies) {
        const created = await raw(server, { method: 'POST', path: '${base}', body, contentType: 'application/yaml' })
        const applied = await raw(server, { method: 'PATCH', path: '${base}/deep?fieldManager=t', body, contentType: 'application/apply-patch+yaml' })
        answers.push({ status: created.status, body: created.json() }, { status: applied.status, body: applied.json() })
      }
      const stored = await raw(server, { method: 'GET', path: '${base}/deep' })
      answers.push({ status: stored.status, body: stored.json() })
      await server.stop()
      console.log(JSON.stringify(answers))
    `,
      fileURLToPath(new URL('../..', import.meta.url)),
    )
    expect(run.stderr).not.toMatch(/FATAL|RangeError/u)
    expect([run.status, run.signal]).toEqual([0, null])
    const answers = JSON.parse(run.stdout) as { status: number; body: Record<string, unknown> }[]
    expect(answers.map((a) => a.status)).toEqual([400, 400, 400, 400, 404])
    for (const [i, { body }] of answers.slice(0, 4).entries()) {
      expect(body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'BadRequest', code: 400 })
      expect(body.message).toMatch(i % 2 === 0 ? /^couldn't get version\/kind; yaml parse error: line \d+: nested more than \d+ levels deep/u : /^error decoding patch: line \d+: nested more than \d+ levels deep/u)
    }
  })

  describe('in process', () => {
    let server: ApiServer
    beforeAll(async () => {
      server = await startApiServer()
    })
    afterAll(async () => {
      await server.stop()
    })

    const deep = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: nested}\ndata: {a: ${'['.repeat(600)}${']'.repeat(600)}}\n`

    it('answers a create under application/yaml nested past the limit 400 and stores nothing', async () => {
      const answer = await raw(server, { method: 'POST', path: base, body: deep, contentType: 'application/yaml' })
      expect(answer.status).toBe(400)
      expect(answer.json()).toMatchObject({ kind: 'Status', reason: 'BadRequest', message: expect.stringMatching(/^couldn't get version\/kind; yaml parse error: line 4: /u) })
      expect(answer.json().message).toMatch(tooDeep)
      expect((await raw(server, { method: 'GET', path: `${base}/nested` })).status).toBe(404)
    })

    it('answers an apply patch nested past the limit 400 and stores nothing; a JSON patch as deep is the same', async () => {
      const json = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"nested"},"data":{"a":${'['.repeat(600)}${']'.repeat(600)}}}`
      for (const body of [deep, json]) {
        const answer = await raw(server, { method: 'PATCH', path: `${base}/nested?fieldManager=t`, body, contentType: 'application/apply-patch+yaml' })
        expect(answer.status).toBe(400)
        expect(answer.json()).toMatchObject({ kind: 'Status', reason: 'BadRequest', message: expect.stringMatching(/^error decoding patch: line \d+: /u) })
        expect(answer.json().message).toMatch(tooDeep)
      }
      expect((await raw(server, { method: 'GET', path: `${base}/nested` })).status).toBe(404)
    })

    it('reads as before a YAML body whose quoted brackets trip the quick scan but nest nothing', async () => {
      const body = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: quoted}\ndata: {a: "${'['.repeat(2000)}"}\n`
      const created = await raw(server, { method: 'POST', path: base, body, contentType: 'application/yaml' })
      expect(created.status).toBe(201)
      const applied = await raw(server, { method: 'PATCH', path: `${base}/quoted?fieldManager=t`, body, contentType: 'application/apply-patch+yaml' })
      expect(applied.status).toBe(200)
      expect((applied.json().data as Record<string, string>).a).toBe('['.repeat(2000))
    })
  })
})
