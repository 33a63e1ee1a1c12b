// PATCH bodies kube-apiserver v1.32 refuses or warns about while decoding them: a JSON patch's
// unknown and repeated operation fields under each fieldValidation, a merge patch that is no object,
// a JSON patch of more than 10,000 operations, and the patched object's unknown fields. Each refusal
// answers kube's status, reason and message and leaves the stored object as it was.
import { describe, expect, it } from 'vitest'
import { hasKubectl, kubectlFor, needsKubectl, raw } from '../helpers/kube.js'
import type { RawResponse } from '../helpers/kube.js'
import { faultServer } from '../helpers/faultServer.js'

const { server } = faultServer()

const base = '/api/v1/namespaces/default/configmaps'
let counter = 0
const fresh = (): string => `strict-${++counter}`

async function makeConfigMap(name: string): Promise<string> {
  const made = await raw(server(), { method: 'POST', path: base, body: JSON.stringify({ metadata: { name }, data: { a: '1' } }), contentType: 'application/json' })
  expect(made.status).toBe(201)
  return String((made.json().metadata as Record<string, unknown>).resourceVersion)
}

async function resourceVersion(name: string): Promise<string> {
  const got = await raw(server(), { method: 'GET', path: `${base}/${name}` })
  return String((got.json().metadata as Record<string, unknown>).resourceVersion)
}

function patch(name: string, body: string, type: string, validation?: string): Promise<RawResponse> {
  const query = validation === undefined ? '' : `?fieldValidation=${validation}`
  return raw(server(), { method: 'PATCH', path: `${base}/${name}${query}`, body, contentType: `application/${type}+json` })
}

/** Asserts a refusal's status, reason and message, and that the object did not change. */
async function refused(name: string, answer: RawResponse, expected: { code: number; reason: string; message: string | RegExp }): Promise<void> {
  const rv = await resourceVersion(name)
  const status = answer.json()
  expect(answer.status).toBe(expected.code)
  expect(status).toMatchObject({ kind: 'Status', status: 'Failure', code: expected.code, reason: expected.reason })
  if (typeof expected.message === 'string') expect(status.message).toBe(expected.message)
  else expect(status.message).toMatch(expected.message)
  expect(answer.headers.warning).toBeUndefined()
  expect(await resourceVersion(name)).toBe(rv)
}


/** The live object as GET answers it (the order json-patch reads it in). */
async function liveObject(path: string): Promise<Record<string, unknown>> {
  return (await raw(server(), { method: 'GET', path })).json()
}

/** `value` as JSON with the keys of the objects in `sorted` (and all below those in `deep`) in Go's map order. */
function goJson(value: unknown, order: { sorted?: readonly unknown[]; deep?: readonly unknown[] }, inDeep = false): string {
  if (Array.isArray(value)) return `[${value.map((item) => goJson(item, order, inDeep)).join(',')}]`
  if (typeof value !== 'object' || value === null) return JSON.stringify(value)
  const deep = inDeep || (order.deep ?? []).includes(value)
  const keys = Object.keys(value)
  if (deep || (order.sorted ?? []).includes(value)) keys.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
  return `{${keys.map((key) => `${JSON.stringify(key)}:${goJson((value as Record<string, unknown>)[key], order, deep)}`).join(',')}}`
}

/** kube's whole Invalid message for a patched object that fails strict decoding. */
const strictMessage = (patched: string, detail: string): string => ` "" is invalid: patch: Invalid value: ${JSON.stringify(patched)}: ${detail}`

describe('a JSON patch with unknown or repeated operation fields', () => {
  const body = '[{"op":"add","path":"/data/x","path":"/data/y","value":"1","extra":{"q":1,"q":2}},{"op":"add","path":"/metadata/annotations","value":{"k":"1","k":"2"}}]'
  const errors = ['json patch duplicate field "[0].path"', 'json patch unknown field "[0].extra"', 'json patch duplicate field "[1].value.k"']

  it('is 422 Invalid under Strict, naming every field in document order, and stores nothing', async () => {
    const name = fresh()
    const before = await makeConfigMap(name)
    const live = await liveObject(`${base}/${name}`)
    const answer = await patch(name, body, 'json-patch', 'Strict')
    const data = { a: '1', y: '1' }
    const metadata = { ...(live.metadata as Record<string, unknown>), annotations: { k: '2' } }
    const top = { ...live, data, metadata }
    const patched = goJson(top, { sorted: [top, data, metadata] })
    await refused(name, answer, { code: 422, reason: 'Invalid', message: strictMessage(patched, `strict decoding error: ${errors.join(', ')}`) })
    expect(answer.json().details).toEqual({ causes: [{ reason: 'FieldValueInvalid', field: 'patch', message: expect.stringMatching(/^Invalid value: "\{/u) }] })
    expect(await resourceVersion(name)).toBe(before)
  })

  it('is applied with one warning per field under Warn (the default), and silently under Ignore', async () => {
    const name = fresh()
    await makeConfigMap(name)
    const warn = await patch(name, body.replace('"value":{"k":"1","k":"2"}', '"value":{"k":"1"}'), 'json-patch')
    expect(warn.status).toBe(200)
    expect(warn.headers.warning).toBe(errors.slice(0, 2).map((e) => `299 - "${e.replace(/"/g, '\\"')}"`).join(', '))
    const ignore = await patch(name, '[{"op":"add","path":"/data/z","value":"2","extra":1}]', 'json-patch', 'Ignore')
    expect(ignore.status).toBe(200)
    expect(ignore.headers.warning).toBeUndefined()
    expect(ignore.json().data).toEqual({ a: '1', y: '1', z: '2' })
  })

  it('puts the patch body errors before the patched object unknown fields', async () => {
    const name = fresh()
    await makeConfigMap(name)
    const live = await liveObject(`${base}/${name}`)
    const answer = await patch(name, '[{"op":"add","path":"/spec","value":{},"Op":"x"}]', 'json-patch', 'Strict')
    const top = { ...live, spec: {} }
    const message = strictMessage(goJson(top, { sorted: [top] }), 'strict decoding error: json patch unknown field "[0].Op", unknown field "spec"')
    await refused(name, answer, { code: 422, reason: 'Invalid', message })
  })
})

describe('a merge patch with repeated keys or unknown fields', () => {
  it('is 422 Invalid under Strict with the repeated key path, and a warning under Warn', async () => {
    const name = fresh()
    await makeConfigMap(name)
    const live = await liveObject(`${base}/${name}`)
    const body = '{"data":{"b":"1","b":"2"},"extra":[{"x":1,"x":2}]}'
    const answer = await patch(name, body, 'merge-patch', 'Strict')
    const data = { a: '1', b: '2' }
    const top = { ...live, data, extra: [{ x: 2 }] }
    await refused(name, answer, {
      code: 422,
      reason: 'Invalid',
      message: strictMessage(goJson(top, { sorted: [top, data] }), 'strict decoding error: duplicate field "data.b", duplicate field "extra[0].x", unknown field "extra"'),
    })
    const warn = await patch(name, '{"data":{"b":"1","b":"2"}}', 'merge-patch', 'Warn')
    expect(warn.status).toBe(200)
    expect(warn.headers.warning).toBe('299 - "duplicate field \\"data.b\\""')
  })
})

describe('a merge patch that is no JSON object', () => {
  const kinds: [string, string][] = [
    ['[1,2]', 'array'],
    ['"x"', 'string'],
    ['5', 'number'],
    ['true', 'bool'],
  ]
  for (const [body, kind] of kinds) {
    it(`${body} is 400 with the map decoder's words under Strict and Warn`, async () => {
      const name = fresh()
      await makeConfigMap(name)
      for (const validation of ['Strict', 'Warn']) {
        await refused(name, await patch(name, body, 'merge-patch', validation), {
          code: 400,
          reason: 'BadRequest',
          message: `error decoding patch: json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`,
        })
      }
    })
  }

  it('null is 400 Invalid JSON Patch under every fieldValidation; a string, number or bool under Ignore too', async () => {
    const name = fresh()
    await makeConfigMap(name)
    for (const validation of ['Strict', 'Warn', 'Ignore']) {
      await refused(name, await patch(name, 'null', 'merge-patch', validation), { code: 400, reason: 'BadRequest', message: 'Invalid JSON Patch' })
    }
    for (const body of ['"x"', '5', 'false']) {
      await refused(name, await patch(name, body, 'merge-patch', 'Ignore'), { code: 400, reason: 'BadRequest', message: 'Invalid JSON Patch' })
    }
  })

  it('an array under Ignore replaces the document, which then does not decode: 422 Invalid', async () => {
    const name = fresh()
    await makeConfigMap(name)
    const detail =
      'couldn\'t get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }'
    const answer = await patch(name, '[{"b":null,"a":1},null]', 'merge-patch', 'Ignore')
    await refused(name, answer, { code: 422, reason: 'Invalid', message: ` "" is invalid: patch: Invalid value: "[{\\"a\\":1},null]": ${detail}` })
  })
})

describe('a JSON patch of more than 10,000 operations', () => {
  const tests = (name: string, n: number): string => JSON.stringify(Array.from({ length: n }, () => ({ op: 'test', path: '/metadata/name', value: name })))

  it('is 413 RequestEntityTooLarge before any operation applies; 10,000 are taken', async () => {
    const name = fresh()
    await makeConfigMap(name)
    const failing = JSON.stringify([{ op: 'remove', path: '/nothing' }, ...Array.from({ length: 10_000 }, () => ({ op: 'test', path: '/metadata/name', value: name }))])
    await refused(name, await patch(name, failing, 'json-patch'), {
      code: 413,
      reason: 'RequestEntityTooLarge',
      message: 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001',
    })
    const taken = await patch(name, tests(name, 10_000), 'json-patch')
    expect(taken.status).toBe(200)
  })
})

describe('a PATCH body past 3 MiB', () => {
  it('is 413 under every patch content type, as kube-apiserver reads at most MaxRequestBodyBytes', async () => {
    const name = fresh()
    await makeConfigMap(name)
    const big = JSON.stringify({ data: { big: 'x'.repeat(3 * 1024 * 1024) } })
    for (const type of ['json-patch+json', 'merge-patch+json', 'strategic-merge-patch+json', 'apply-patch+yaml']) {
      const answer = await raw(server(), { method: 'PATCH', path: `${base}/${name}`, body: big, contentType: `application/${type}` })
      await refused(name, answer, { code: 413, reason: 'RequestEntityTooLarge', message: 'Request entity too large: limit is 3145728' })
    }
  })
})

describe('kubectl patch --type json', () => {
  it.skipIf(!hasKubectl)(needsKubectl('prints the warning for an unknown operation field, and the 400 of a merge patch that is a list'), async () => {
    const name = fresh()
    const before = await makeConfigMap(name)
    const kubectl = kubectlFor(server())
    try {
      const warned = await kubectl(['patch', 'configmap', name, '-n', 'default', '--type', 'json', '-p', '[{"op":"add","path":"/data/x","value":"1","extra":1}]'])
      expect(warned.code).toBe(0)
      expect(warned.stderr).toBe('Warning: json patch unknown field "[0].extra"\n')
      const patched = await resourceVersion(name)
      expect(patched).not.toBe(before)
      const refusedList = await kubectl(['patch', 'configmap', name, '-n', 'default', '--type', 'merge', '-p', '[1]'])
      expect(refusedList.code).not.toBe(0)
      expect(refusedList.stderr).toBe('Error from server (BadRequest): error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}\n')
      expect(await resourceVersion(name)).toBe(patched)
    } finally {
      kubectl.dispose()
    }
  })
})

describe('the patched JSON and unknown fields of a strict refusal, in json-patch v4 order', () => {
  it('sorts the top level and the objects a merge patch merged into or set, keeps the rest as stored', async () => {
    const name = fresh()
    await makeConfigMap(name)
    const live = await liveObject(`${base}/${name}`)
    const answer = await patch(name, '{"zzz":1,"aaa":{"y":1,"x":null,"w":2},"metadata":{"foo":1}}', 'merge-patch', 'Strict')
    const metadata = { ...(live.metadata as Record<string, unknown>), foo: 1 }
    const aaa = { y: 1, w: 2 }
    const top = { ...live, zzz: 1, aaa, metadata }
    const patched = goJson(top, { sorted: [top, metadata], deep: [aaa] })
    expect(patched.startsWith('{"aaa":{"w":2,"y":1},"apiVersion":"v1","data":{"a":"1"},"kind":"ConfigMap","metadata":{"creationTimestamp"')).toBe(true)
    await refused(name, answer, {
      code: 422,
      reason: 'Invalid',
      message: strictMessage(patched, 'strict decoding error: unknown field "aaa", unknown field "metadata.foo", unknown field "zzz"'),
    })
  })

  it('sorts the containers on a JSON patch operation path, keeping an added value as written', async () => {
    const name = fresh()
    await makeConfigMap(name)
    const live = await liveObject(`${base}/${name}`)
    const body = '[{"op":"add","path":"/zzz","value":1},{"op":"add","path":"/aaa","value":{"y":1,"x":2}},{"op":"add","path":"/metadata/labels","value":{"b":"1","a":"2"}}]'
    const answer = await patch(name, body, 'json-patch', 'Strict')
    const metadata = { ...(live.metadata as Record<string, unknown>), labels: { b: '1', a: '2' } }
    const top = { ...live, zzz: 1, aaa: { y: 1, x: 2 }, metadata }
    const patched = goJson(top, { sorted: [top, metadata] })
    expect(patched).toContain('"aaa":{"y":1,"x":2}')
    expect(patched).toContain('"labels":{"b":"1","a":"2"}')
    await refused(name, answer, { code: 422, reason: 'Invalid', message: strictMessage(patched, 'strict decoding error: unknown field "aaa", unknown field "zzz"') })
  })

  it('names the fields of a Secret data and stringData in a refusal but never their values (unlike kube-apiserver)', async () => {
    const secrets = '/api/v1/namespaces/default/secrets'
    const name = fresh()
    const password = Buffer.from('hunter2-SECRET').toString('base64')
    const made = await raw(server(), { method: 'POST', path: secrets, body: JSON.stringify({ metadata: { name }, data: { password } }), contentType: 'application/json' })
    expect(made.status).toBe(201)
    const live = await liveObject(`${secrets}/${name}`)
    const answer = await raw(server(), {
      method: 'PATCH',
      path: `${secrets}/${name}?fieldValidation=Strict`,
      body: '[{"op":"add","path":"/metadata/labels","value":{"a":"b"},"x":1}]',
      contentType: 'application/json-patch+json',
    })
    expect(answer.status).toBe(422)
    expect(answer.text).not.toContain(password)
    expect(answer.text).not.toContain('hunter2')
    const metadata = { ...(live.metadata as Record<string, unknown>), labels: { a: 'b' } }
    const top = { ...live, data: { password: '<secret contents redacted>' }, metadata }
    const patched = goJson(top, { sorted: [top, metadata] })
    expect(answer.json().message).toBe(strictMessage(patched, 'strict decoding error: json patch unknown field "[0].x"'))
  })
})

describe('a JSON patch operation field repeated with a type error first', () => {
  const cases: [string, string][] = [
    ['[{"op":5,"op":"add","path":"/data/x","value":"1"}]', 'number into Go struct field jsonPatchOp.op'],
    ['[{"op":"add","path":{},"path":"/data/x","value":"1"}]', 'object into Go struct field jsonPatchOp.path'],
    ['[{"op":"move","from":[],"from":"/data/a","path":"/data/x"}]', 'array into Go struct field jsonPatchOp.from'],
    ['[{"path":"/data/x","op":true,"path":{},"value":"1"}]', 'bool into Go struct field jsonPatchOp.op'],
    ['[{"op":"add","path":"/data/x","value":"1"},{"x":[1],"\\u006fp":7,"op":"add"}]', 'number into Go struct field jsonPatchOp.op'],
  ]
  for (const [body, words] of cases) {
    for (const validation of ['Warn', 'Strict']) {
      it(`${body} is 400 under ${validation}, as the decoder checks every occurrence`, async () => {
        const name = fresh()
        await makeConfigMap(name)
        const answer = await patch(name, body, 'json-patch', validation)
        await refused(name, answer, { code: 400, reason: 'BadRequest', message: `error decoding patch: json: cannot unmarshal ${words} of type string` })
      })
    }
  }
})

describe('the Warning headers of a patch with many strict errors', () => {
  it('are cut as kube-apiserver cuts them: past 4 KiB of text, 256 runes each, until 4 KiB', async () => {
    const name = fresh()
    await makeConfigMap(name)
    // 100 repeated keys, each at a path of 200 × 501 runes: about 10 MB of warning text uncut.
    const key = 'k'.repeat(500)
    const body = `{"spec":${`{"${key}":`.repeat(200)}[${Array.from({ length: 100 }, () => '{"b":1,"b":2}').join(',')}]${'}'.repeat(200)}}`
    const answer = await patch(name, body, 'merge-patch')
    expect(answer.status).toBe(200)
    const warnings = String(answer.headers.warning).split(/, (?=299 - ")/u)
    // The first is past 4 KiB: it is written again cut to 256 runes, then 15 more until 16 × 256 = 4 KiB.
    const first = `duplicate field "spec.${`${key}.`.repeat(200)}`
    expect(warnings).toHaveLength(16)
    expect(warnings).toEqual(Array.from({ length: 16 }, () => `299 - "${first.slice(0, 256).replace(/"/g, '\\"')}"`))
  })

  it('are written whole within 4 KiB, and none after the one that passes it', async () => {
    const name = fresh()
    await makeConfigMap(name)
    const ops = `[${Array.from({ length: 150 }, (_, i) => `{"op":"test","path":"/kind","value":"ConfigMap","${'x'.repeat(40)}${i}":1}`).join(',')}]`
    const warned = await patch(name, ops, 'json-patch')
    expect(warned.status).toBe(200)
    const texts = String(warned.headers.warning).split(/, (?=299 - ")/u)
    // Errors of 66 to 68 runes: written whole while within 4 KiB; the first past it turns truncation
    // on, all so far are written again (each under 256 runes, whole), and as 4 KiB is passed no more.
    const all = Array.from({ length: 100 }, (_, i) => `json patch unknown field "[${i}].${'x'.repeat(40)}${i}"`)
    const expected: string[] = []
    let total = 0
    for (const text of all) {
      expected.push(text)
      total += text.length
      if (total > 4096) break
    }
    expect(expected.length).toBeLessThan(100)
    expect(texts).toEqual(expected.map((t) => `299 - "${t.replace(/"/g, '\\"')}"`))
  })
})

describe('the warnings of a patch refused after its strict decoding', () => {
  it('are sent with the refusal, as kube-apiserver has written them already', async () => {
    const name = fresh()
    await makeConfigMap(name)
    const rv = await resourceVersion(name)
    const answer = await patch(name, '[{"op":"replace","path":"/metadata/namespace","value":"other","x":1}]', 'json-patch')
    expect(answer.status).toBe(400)
    expect(answer.json().message).toBe('the namespace of the provided object does not match the namespace sent on the request')
    expect(answer.headers.warning).toBe('299 - "json patch unknown field \\"[0].x\\""')
    expect(await resourceVersion(name)).toBe(rv)
  })
})

describe('a strict error in a patch of /scale', () => {
  const deployments = '/apis/apps/v1/namespaces/default/deployments'
  async function makeDeployment(name: string): Promise<void> {
    const spec = { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } }
    const made = await raw(server(), { method: 'POST', path: deployments, body: JSON.stringify({ metadata: { name }, spec }), contentType: 'application/json' })
    expect(made.status).toBe(201)
  }
  const scalePatch = (name: string, validation: string): Promise<RawResponse> =>
    raw(server(), {
      method: 'PATCH',
      path: `${deployments}/${name}/scale?fieldValidation=${validation}`,
      body: '[{"op":"replace","path":"/spec/replicas","value":3,"x":1}]',
      contentType: 'application/json-patch+json',
    })

  it('is 422 under Strict with the patched Scale, and a warning under Warn', async () => {
    const name = fresh()
    await makeDeployment(name)
    const scale = await liveObject(`${deployments}/${name}/scale`)
    const strict = await scalePatch(name, 'Strict')
    expect(strict.status).toBe(422)
    const spec = { replicas: 3 }
    const top = { ...scale, spec }
    expect(strict.json().message).toBe(strictMessage(goJson(top, { sorted: [top, spec] }), 'strict decoding error: json patch unknown field "[0].x"'))
    expect((await liveObject(`${deployments}/${name}/scale`)).spec).toEqual({ replicas: 1 })
    const warn = await scalePatch(name, 'Warn')
    expect(warn.status).toBe(200)
    expect(warn.headers.warning).toBe('299 - "json patch unknown field \\"[0].x\\""')
    expect((warn.json().spec as Record<string, unknown>).replicas).toBe(3)
  })
})
