// Values of 2.2 to 2.6 MB, inside the 3 MiB body limit, on which a validator's pattern with a repeated
// group overflowed the stack: a CronJob's `@every` duration, and a custom resource's string field of
// `format: duration` or `format: hostname`. Each is sent to a server in a child process
// (testing/isolated.ts), bounded, so that a regression fails the test instead of holding or killing
// the runner: a value that is valid is stored as before, one that is not is a 422 naming the field,
// and nothing is stored on refusal.
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runIsolated } from '../../../../testing/isolated.js'

interface Answer {
  readonly status: number
  readonly reason?: string
  readonly causes?: readonly { readonly field?: string }[]
  readonly stored: number
}

async function answers(script: string): Promise<Answer[]> {
  const run = await runIsolated(
    `
    import { startApiServer } from './src/index.ts'
    import { raw } from './test/helpers/kube.ts'
    const server = await startApiServer()
    const out = []
    const send = async (path, body) => {
      const answer = await raw(server, { method: 'POST', path, body: JSON.stringify(body), contentType: 'application/json' })
      const json = answer.json()
      const stored = await raw(server, { method: 'GET', path: path + '/' + body.metadata.name })
      out.push({ status: answer.status, reason: json.reason, causes: json.details?.causes?.map((c) => ({ field: c.field })), stored: stored.status })
    }
    ${script}
    await server.stop()
    console.log(JSON.stringify(out))`,
    fileURLToPath(new URL('../..', import.meta.url)),
    // The server's own work on bodies of megabytes takes seconds of wall time under load; main's
    // code fails by its answers (the stack overflowed), not by the bound.
    60_000,
  )
  expect(run.stderr).not.toMatch(/FATAL|RangeError/u)
  expect([run.status, run.signal]).toEqual([0, null])
  return JSON.parse(run.stdout) as Answer[]
}

describe('validators that overflowed the stack on a value of megabytes', () => {
  it("checks a CronJob's @every duration of 2.2 MB: stored when valid, a 422 naming spec.schedule when not", async () => {
    const out = await answers(`
      const template = { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'a' }] } } } }
      const cronJob = (name, schedule) => ({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name }, spec: { schedule, jobTemplate: template } })
      const path = '/apis/batch/v1/namespaces/default/cronjobs'
      await send(path, cronJob('valid', '@every ' + '1s'.repeat(1_100_000)))
      await send(path, cronJob('invalid', '@every ' + '1s'.repeat(1_100_000) + 'x'))
      await send(path, cronJob('short', '@every 1h30m'))`)
    expect(out).toEqual([
      { status: 201, stored: 200 },
      { status: 422, reason: 'Invalid', causes: [{ field: 'spec.schedule' }], stored: 404 },
      { status: 201, stored: 200 },
    ])
  })

  it('checks format: duration and format: hostname on a custom resource string of 2.2 to 2.6 MB', async () => {
    const out = await answers(`
      const crd = {
        apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'gadgets.example.com' },
        spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' },
          versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: {
            every: { type: 'string', format: 'duration' }, host: { type: 'string', format: 'hostname' } } } } } } }] },
      }
      await raw(server, { method: 'POST', path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', body: JSON.stringify(crd), contentType: 'application/json' })
      const path = '/apis/example.com/v1/namespaces/default/gadgets'
      for (let i = 0; i < 100 && (await raw(server, { method: 'GET', path })).status !== 200; i++) await new Promise((r) => setTimeout(r, 50))
      const gadget = (name, spec) => ({ apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name }, spec })
      await send(path, gadget('duration-valid', { every: '1s'.repeat(1_100_000) }))
      await send(path, gadget('duration-invalid', { every: '1s'.repeat(1_100_000) + ' x' }))
      await send(path, gadget('hostname-valid', { host: 'a.'.repeat(1_300_000) + 'io' }))
      await send(path, gadget('hostname-invalid', { host: 'a.'.repeat(1_300_000) + 'i' }))
      await send(path, gadget('short', { every: '1h 30 minutes', host: 'example.com' }))`)
    expect(out).toEqual([
      { status: 201, stored: 200 },
      { status: 422, reason: 'Invalid', causes: [{ field: 'spec.every' }], stored: 404 },
      { status: 201, stored: 200 },
      { status: 422, reason: 'Invalid', causes: [{ field: 'spec.host' }], stored: 404 },
      { status: 201, stored: 200 },
    ])
  })

  it('reads a field selector term, a path with trailing slashes and an Accept q of 200 KB in linear time', async () => {
    // A request line and its headers are bounded (16 KiB), which kept these to a fraction of a
    // second a request; the internal readers are given more, so that a regression shows.
    const run = await runIsolated(
      `
      import { fieldMatcher } from './src/internal/rules/selectors.ts'
      import { route } from './src/internal/http/route.ts'
      import { parseAccept } from './src/internal/http/negotiate.ts'
      const type = { group: '', plural: 'configmaps' }
      for (const selector of ['metadata.name' + ' '.repeat(200000) + 'x', 'metadata.name =' + ' '.repeat(200000) + 'a\\nb', 'metadata.name = a ']) {
        try { fieldMatcher(type, selector); console.log('compiled') } catch (err) { console.log(/can't understand/u.test(err.message) ? 'refused' : err.message) }
      }
      try { console.log(JSON.stringify(route({}, 'GET', { pathname: '/version' + '/'.repeat(200000) + 'x', watch: false }))) } catch { console.log('no route') }
      console.log(JSON.stringify(route({}, 'GET', { pathname: '/version///', watch: false })))
      console.log(parseAccept('application/json;q=' + '1'.repeat(200000) + 'x').map((c) => c.q).join(), parseAccept('application/json;q=0.5').map((c) => c.q).join())`,
      fileURLToPath(new URL('../..', import.meta.url)),
      20_000,
    )
    expect([run.status, run.signal], run.stderr).toEqual([0, null])
    expect(run.stdout.trim().split('\n')).toEqual(['refused', 'refused', 'compiled', 'no route', JSON.stringify({ kind: 'discovery', document: 'version', group: '', version: '' }), '0 0.5'])
  })
})

describe('Accept clauses padded with spaces', () => {
  it('trims the spaces of an Accept clause of 200 KB in linear time', async () => {
    // Spaces were trimmed with /^ +| +$/g, which tried ` +$` from every space of a run that does not
    // end the text: 16 KiB of header cost about 0.3 s of CPU a request, 200 KB far more than the bound.
    const run = await runIsolated(
      `
      import { parseAccept } from './src/internal/http/negotiate.ts'
      const spaces = ' '.repeat(200000)
      for (const header of ['application/json;' + spaces + 'x', 'application/json;as=' + spaces + 'Table' + spaces + ';g=meta.k8s.io', spaces + 'application/yaml' + spaces + ',' + spaces]) {
        console.log(parseAccept(header).map((c) => c.type + '/' + c.subtype + ' ' + [...c.params].map(([k, v]) => k + '=' + v.length).join(';')).join(','))
      }`,
      fileURLToPath(new URL('../..', import.meta.url)),
      20_000,
    )
    expect([run.status, run.signal], run.stderr).toEqual([0, null])
    expect(run.stdout.trim().split('\n')).toEqual(['application/json ', 'application/json as=5;g=11', 'application/yaml'])
  })
})

describe('Accept headers of many clauses', () => {
  it('orders 100,000 clauses in n log n time', async () => {
    // Insertion moved each concrete clause past every `*` before it: quadratic in the clauses.
    const run = await runIsolated(
      `
      import { parseAccept } from './src/internal/http/negotiate.ts'
      const clauses = parseAccept('*,'.repeat(60000) + 'a/b,'.repeat(40000) + 'application/json;q=0.5')
      console.log(clauses.length, clauses[0].type + '/' + clauses[0].subtype, clauses.filter((c) => c.subtype === 'json').length)`,
      fileURLToPath(new URL('../..', import.meta.url)),
      20_000,
    )
    expect([run.status, run.signal], run.stderr).toEqual([0, null])
    expect(run.stdout.trim()).toBe('100001 a/b 1')
  })
})

describe('label requirements with a line break in the value', () => {
  it('reads a label requirement of 200 KB in linear time, and refuses a webhook whose selector has an invalid value', async () => {
    // Before, the requirement pattern gave back the spaces after `=` one at a time and rescanned the
    // rest for each: 100 KB took 4 s of CPU, through a stored webhook's objectSelector or a query.
    const run = await runIsolated(
      `
      import { labelMatcher, labelSelectorMatcher } from './src/internal/rules/selectors.ts'
      const value = ' '.repeat(200000) + 'x\\ny'
      console.log(labelSelectorMatcher({ matchLabels: { k: value } })({ k: value }))
      for (const selector of ['k=' + value, 'k !=' + value, 'k==' + ' '.repeat(200000) + 'x']) {
        try { labelMatcher(selector); console.log('compiled') } catch (err) { console.log(err.message.slice(0, 40)) }
      }`,
      fileURLToPath(new URL('../..', import.meta.url)),
      20_000,
    )
    expect([run.status, run.signal], run.stderr).toEqual([0, null])
    expect(run.stdout.trim().split('\n')).toEqual(['false', 'unable to parse requirement: <nil>: Inva', 'unable to parse requirement: <nil>: Inva', 'compiled'])
    const out = await answers(`
      const hook = (name, selector) => ({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name },
        webhooks: [{ name: 'check.example.com', clientConfig: { url: 'https://127.0.0.1:1/check' }, sideEffects: 'None', admissionReviewVersions: ['v1'], ...selector }] })
      const path = '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations'
      await send(path, hook('object', { objectSelector: { matchLabels: { k: ' '.repeat(200000) + 'x\\ny' } } }))
      await send(path, hook('namespace', { namespaceSelector: { matchExpressions: [{ key: 'k', operator: 'Is' }] } }))
      await send(path, hook('valid', { objectSelector: { matchLabels: { k: 'v' } }, namespaceSelector: { matchExpressions: [{ key: 'k', operator: 'Exists' }] } }))`)
    expect(out).toEqual([
      // Too long and not a valid label value: two causes, as ValidateLabelValue gives them.
      { status: 422, reason: 'Invalid', causes: [{ field: 'webhooks[0].objectSelector.matchLabels' }, { field: 'webhooks[0].objectSelector.matchLabels' }], stored: 404 },
      { status: 422, reason: 'Invalid', causes: [{ field: 'webhooks[0].namespaceSelector.matchExpressions[0].operator' }], stored: 404 },
      { status: 201, stored: 200 },
    ])
  })
})
