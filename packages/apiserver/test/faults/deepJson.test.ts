// JSON request bodies nested deep. kube-apiserver's JSON decoder refuses a document nested more than
// 10,000 levels with "exceeded max depth" (a 400: the object provided is unrecognized …). This server
// refuses past MAX_JSON_DEPTH (500: its structured-merge-diff walks recurse, and are safe to about
// 1,250 levels) with kube's words. Here: every write path takes a body at the bound, stores and
// answers it byte for byte and records its managedFields whole, and a body one level deeper gets
// kube's typed 400. A JSON patch that moves subtrees below each other to build a deeper document is
// refused the same way (422 naming the patch). Bodies run against a server in one child process, so
// a regression (a stack overflow) fails this test instead of the runner.
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runIsolated } from '../../../../testing/isolated.js'
import { deepJsonScript } from './deepJsonScript.js'

// The server's bound (a dynamic import: tests reach into internal/ only so).
const { MAX_JSON_DEPTH: B } = await import('../../src/internal/http/jsonDepth.js')

interface Answer {
  readonly levels: number
  readonly shape: 'arrays' | 'maps'
  readonly kind: string
  readonly verb: string
  readonly status: number
  readonly body: Record<string, unknown>
  /** For a write that succeeded: whether the object read back holds the field exactly as sent. */
  readonly holds?: boolean
  /** For a write that succeeded: the stored managedFields as [manager, operation, fieldsV1 JSON]. */
  readonly managed?: [string, string, string][]
  /** The answer's Warning header, where one is asked for. */
  readonly warnings?: string
}


interface Run {
  readonly answers: Answer[]
  readonly stored: Record<string, string>
  readonly after: Record<string, { kept: string; deep: number }>
  readonly deletes: { levels: number; kind: string; status: number; after: number }[]
  readonly protobuf: { levels: number; kind: string; status: number; message?: string; stored: number }[]
  readonly schema: { name: string; status: number; message?: string; warnings?: string; held: boolean }[]
  readonly events: [string, string, boolean][]
}

// One child process runs every deep body against one server; each test reads its part.
let running: Promise<Run> | undefined
function deepRun(): Promise<Run> {
  running ??= runIsolated(deepJsonScript(B), fileURLToPath(new URL('../..', import.meta.url)), 240_000).then((run) => {
    expect(run.stderr).not.toMatch(/FATAL|RangeError/u)
    expect([run.status, run.signal]).toEqual([0, null])
    return JSON.parse(run.stdout) as Run
  })
  return running
}


/** The fieldsV1 text of `field` holding a value of `shape` nested `depth` deep below the key "a". */
function fieldsOf(field: string, shape: string, depth: number): string {
  // Lists are atomic in an untyped value: only the key holding one is owned.
  const inner = shape === 'arrays' ? '{"f:a":{}}' : '{"f:a":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1)
  return `{"f:${field}":${inner}`
}

describe('JSON bodies nested deep', () => {
  it(`takes and returns bodies ${B} deep on every write path with their managedFields, answers deeper ones 400 (a patch that builds one 422) and stores nothing, in a child process`, async () => {
    const { answers, stored, after, deletes } = await deepRun()
    // Go's scanner names the bracket that opens the first level past the bound.
    const tooDeep = (opener: string): string => `invalid character '${opener}' exceeded max depth`
    const configMapData = 'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal array into Go struct field ConfigMap.data of type string'
    const configMapMapData = 'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal object into Go struct field ConfigMap.data of type string'
    // Per round: 6 writes of a Widget, 6 of a ConfigMap, 5 of a ControllerRevision; two small applies,
    // three creates 100,000 deep, the $patch directive and the moves.
    expect(answers.length).toBe(4 * 17 + 2 + 3 + 2)
    for (const a of answers) {
      const label = `${a.levels} ${a.shape} ${a.kind} ${a.verb}`
      if (a.verb === 'json-patch moves') {
        expect([label, a.status, a.body.reason]).toEqual([label, 422, 'Invalid'])
        expect(a.body.message).toMatch(/^ "" is invalid: patch: Invalid value: ".*": couldn't get version\/kind; json parse error: invalid character '\{' exceeded max depth$/su)
        expect(a.body.details).toMatchObject({ causes: [{ reason: 'FieldValueInvalid', field: 'patch' }] })
        continue
      }
      if (a.verb === 'strategic $patch') {
        // The whole map in Go's %v, written without recursion.
        const list = '['.repeat(B - 2) + ']'.repeat(B - 2)
        expect([label, a.status, a.body.message]).toEqual([label, 500, `unknown patch type: bogus in map: map[$patch:bogus x:${list}]`])
        continue
      }
      if (a.verb === 'small apply') {
        expect([label, a.status, a.holds]).toEqual([label, 200, true])
        const creator = a.managed?.[1]
        expect([label, a.managed?.[0], creator?.[0], creator?.[1], creator?.[2].replaceAll('".":{},', '')]).toEqual([label, ['s', 'Apply', '{"f:spec":{"f:b":{}}}'], 't', 'Update', fieldsOf('spec', a.shape, B - 1) + '}'])
        continue
      }
      if (a.levels <= B) {
        if (a.verb === 'scale update') {
          // kube decodes the Scale (the deep value is no field of a Scale, and is dropped) and sets
          // spec.replicas in the object, answering the Scale.
          expect([label, a.status, a.body.kind, a.body.spec, a.holds]).toEqual([label, 200, 'Scale', { replicas: 2 }, true])
          continue
        }
        if (a.kind === 'ConfigMap') {
          // Taken as JSON, then refused for what it holds: a ConfigMap's data is a string map.
          const data = a.shape === 'arrays' ? configMapData : configMapMapData
          // Server-side apply answers its typed patch object's error as kube's does: a 500.
          const typed = /^failed to create typed patch object \(\/kept; \/v1, Kind=ConfigMap\): \.data\.a: expected string, got &value\.valueUnstructured\{Value:/u
          const expected =
            a.verb === 'create' || a.verb === 'update' ? [400, data] : a.verb === 'apply-patch+yaml' ? [500, expect.stringMatching(typed)] : [422, expect.stringMatching(/^ "" is invalid: patch: Invalid value: /u)]
          expect([label, a.status, a.body.message]).toEqual([label, ...expected])
          continue
        }
        // Stored, read back byte for byte, and its fields recorded whole for the writer.
        const sent = a.verb === 'json-patch+json' ? B - 2 : B - 1
        const operation = a.verb === 'apply-patch+yaml' ? 'Apply' : 'Update'
        const field = a.kind === 'Widget' ? 'spec' : 'data'
        expect([label, a.status, a.holds]).toEqual([label, a.verb === 'create' ? 201 : 200, true])
        const mine = a.managed?.find((m) => m[0] === 't' && m[1] === operation)
        const fields = a.kind === 'ControllerRevision' ? (a.verb === 'create' || a.verb === 'apply-patch+yaml' ? '{"f:data":{},"f:revision":{}}' : '{"f:data":{}}') : fieldsOf(field, a.shape, sent) + '}'
        // An Update that makes a map records "." on it, as kube's does; the rest is every key sent.
        expect([label, mine?.[0], mine?.[1], mine?.[2].replaceAll('".":{},', '')]).toEqual([label, 't', operation, fields])
        if (a.verb === 'create' && a.shape === 'maps' && a.kind === 'Widget') {
          expect(mine?.[2]).toBe(`{"f:spec":{".":{},${'"f:a":{".":{},'.repeat(B - 3)}"f:a":{}${'}'.repeat(B - 2)}}`)
        }
        continue
      }
      expect([label, a.status]).toEqual([label, 400])
      expect(a.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'BadRequest', code: 400 })
      const opener = a.shape === 'arrays' ? '[' : '{'
      const head = `{"apiVersion":"${a.kind === 'Widget' ? 'example.com/v1' : a.kind === 'ConfigMap' ? 'v1' : 'apps/v1'}","kind":"${a.kind}`.slice(0, 30)
      const message =
        a.verb === 'create' || a.verb === 'update'
          ? `the object provided is unrecognized (must be of type ${a.kind}): couldn't get version/kind; json parse error: ${tooDeep(opener)} (${head} ...)`
          : a.verb === 'scale update'
            ? `the object provided is unrecognized (must be of type Scale): couldn't get version/kind; json parse error: ${tooDeep(opener)} ({"apiVersion":"autoscaling/v1" ...)`
            : a.verb === 'strategic-merge-patch+json'
              ? tooDeep(opener)
              : `error decoding patch: ${tooDeep(opener)}`
      expect([label, a.body.message]).toEqual([label, message])
    }
    // The kept objects were changed only by the writes that were taken; nothing deeper was stored.
    expect(after).toEqual({
      ConfigMap: { kept: stored.ConfigMap, deep: 404 },
      Widget: { kept: stored.Widget, deep: 404 },
      ControllerRevision: { kept: stored.ControllerRevision, deep: 404 },
    })
    // Deep DeleteOptions bodies are read like any other: the object is deleted.
    expect(deletes.map((d) => [d.levels, d.kind, d.status, d.after])).toEqual(
      [5000, 10000].flatMap((levels) => [[levels, 'Widget', 200, 404], [levels, 'ConfigMap', 200, 404], [levels, 'ControllerRevision', 200, 404]]),
    )
  })

  it("answers a mutating webhook's JSON patch nested past the bound with a typed 500 before applying it", async () => {
    const { patchOf } = await import('../../src/internal/admission/admit.js')
    const deep = `[{"op":"add","path":"/data","value":${'['.repeat(100_000)}${']'.repeat(100_000)}}]`
    const webhook = { name: 'deep.example.com' } as Parameters<typeof patchOf>[0]
    expect(() => patchOf(webhook, { patch: Buffer.from(deep).toString('base64') })).toThrow(
      expect.objectContaining({ code: 500, reason: 'InternalError', message: `Internal error occurred: admission webhook "deep.example.com" returned an undecodable patch: invalid character '[' exceeded max depth` }),
    )
  })
})

// Protobuf bodies carry JSON inside FieldsV1 (managedFields) and RawExtension (a ControllerRevision's
// data): it counts to the same bound, with the levels holding it, and a body past it is a typed 400
// naming the field.
describe('protobuf bodies with deep embedded JSON', () => {
  it('answers FieldsV1 or RawExtension JSON past the bound with a typed 400 naming the field, and stores nothing', async () => {
    const { protobuf } = await deepRun()
    const refused = (kind: string, field: string, opener: string): Record<string, unknown> => ({
      status: 400,
      message: `${kind} in version "v1" cannot be handled as a ${kind}: ${field}: invalid character '${opener}' exceeded max depth`,
      stored: 404,
    })
    expect(protobuf.map((a) => [a.levels, a.kind])).toEqual([B - 4, B - 3, 100_000].flatMap((levels) => [[levels, 'ConfigMap'], [levels, 'ControllerRevision']]))
    for (const a of protobuf) {
      const label = `${a.levels} ${a.kind}`
      // The whole object: the top level, metadata, managedFields and its entry, then the fields
      // (levels deep); or the top level and data, levels + 3 deep.
      const total = a.levels + 4
      const expected =
        total <= B
          ? { status: 201, stored: 200 }
          : a.kind === 'ConfigMap'
            ? refused('ConfigMap', 'metadata.managedFields[0].fieldsV1', '{')
            : refused('ControllerRevision', 'data', '[')
      expect([label, { status: a.status, stored: a.stored, ...(total <= B ? {} : { message: a.message }) }]).toEqual([label, expected])
    }
  })
})

// A custom resource whose schema has a CEL rule, a default, an embedded resource and a list, with
// values at the bound below them: defaulting, pruning, CEL and the watch stream take them whole.
describe(`schema walks over values ${B} deep`, () => {
  it(`defaults, prunes, runs CEL over and watches a custom resource ${B} deep, in a child process`, async () => {
    const { schema, events } = await deepRun()
    expect(schema).toEqual([
      { name: 'plain', status: 201, held: true },
      // The rule is evaluated over the deep values, and fails as kube's does.
      { name: 'equal', status: 422, message: 'Gadget.example.com "equal" is invalid: spec: Invalid value: "object": failed rule: !has(self.b) || self.a != self.b', held: false },
      { name: 'embedded', status: 201, held: true },
      { name: 'listed', status: 201, held: true },
      { name: 'missing', status: 422, message: 'Gadget.example.com "missing" is invalid: spec: Invalid value: "object": failed rule: has(self.a)', held: false },
    ])
    expect(events).toEqual(['plain', 'embedded', 'listed'].map((name) => ['{"type":"ADDED"', name, true]))
  })
})
