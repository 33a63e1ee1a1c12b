// Custom resources refused as kube-apiserver 1.32 refuses them: Flux's own CRDs (the conformance copy,
// skipped when absent) applied with kubectl, then invalid GitRepositories and Kustomizations created by
// kubectl, whose stderr must be kube-apiserver's; and a CRD of this test exercising every schema
// keyword and x-kubernetes-validations rule kind, through raw requests.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sharedPath } from '../../../../testing/sharedDir.js'
import { startApiServer } from '../../src/index.js'
import type { ApiServer } from '../../src/index.js'
import { eventually, hasKubectl, kubectlFor, needsKubectl, raw } from '../helpers/kube.js'
import type { Kubectl } from '../helpers/kube.js'

let server: ApiServer
let kubectl: Kubectl
beforeAll(async () => {
  server = await startApiServer()
  kubectl = kubectlFor(server)
})
afterAll(async () => {
  kubectl.dispose()
  await server.stop()
})

const fluxCrds = sharedPath('conformance/flux/crds')
const gitRepository = (spec: string, name = 'podinfo'): string =>
  `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: ${name}, namespace: default}\nspec:\n${spec}`

describe.skipIf(!hasKubectl || fluxCrds === undefined)(needsKubectl("Flux's CRDs enforced for kubectl (needs the shared conformance CRDs)"), () => {
  beforeAll(async () => {
    for (const file of readdirSync(fluxCrds ?? '').filter((f) => f.endsWith('.yaml'))) {
      const result = await kubectl(['apply', '--server-side', '-f', '-'], readFileSync(join(fluxCrds ?? '', file), 'utf8'))
      expect(result.stderr).toBe('')
    }
    await eventually(async () => (await kubectl(['get', 'gitrepositories,kustomizations', '-A'])).code === 0)
  })

  it.for([
    {
      name: 'a GitRepository without url and with a bad interval',
      manifest: gitRepository('  interval: 1x\n'),
      stderr:
        "The GitRepository \"podinfo\" is invalid: \n* spec.url: Required value\n* spec.interval: Invalid value: \"1x\": spec.interval in body should match '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$'\n",
    },
    {
      name: 'a GitRepository with an unknown provider',
      manifest: gitRepository('  interval: 1m\n  url: https://github.com/stefanprodan/podinfo\n  provider: gitlab\n'),
      stderr: 'The GitRepository "podinfo" is invalid: spec.provider: Unsupported value: "gitlab": supported values: "generic", "aws", "azure", "github"\n',
    },
    {
      name: "a GitRepository breaking Flux's CEL rule",
      manifest: gitRepository('  interval: 1m\n  url: https://github.com/stefanprodan/podinfo\n  provider: generic\n  serviceAccountName: flux\n'),
      stderr: "The GitRepository \"podinfo\" is invalid: spec: Invalid value: \"object\": serviceAccountName can only be set when provider is 'azure' or 'aws'\n",
    },
    {
      name: 'a GitRepository with a string where a boolean belongs',
      manifest: gitRepository('  interval: 1m\n  url: https://github.com/stefanprodan/podinfo\n  suspend: "yes"\n'),
      stderr:
        'The GitRepository "podinfo" is invalid: \n* spec.suspend: Invalid value: "string": spec.suspend in body must be of type boolean: "string"\n* <nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation\n',
      // Server-side apply converts the body to its typed value first and fails there, as kube-apiserver does.
      ssa: 'Error from server: failed to create typed patch object (default/podinfo; source.toolkit.fluxcd.io/v1, Kind=GitRepository): .spec.suspend: expected boolean, got &{yes}\n',
    },
    {
      name: 'a Kustomization with an unknown source kind and an empty targetNamespace',
      manifest:
        'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps, namespace: default}\nspec:\n  interval: 10m\n  prune: true\n  targetNamespace: ""\n  sourceRef: {kind: HelmRepository, name: podinfo}\n',
      stderr:
        'The Kustomization "apps" is invalid: \n* spec.sourceRef.kind: Unsupported value: "HelmRepository": supported values: "OCIRepository", "GitRepository", "Bucket", "ExternalArtifact"\n* spec.targetNamespace: Invalid value: "": spec.targetNamespace in body should be at least 1 chars long\n',
    },
  ] as { name: string; manifest: string; stderr: string; ssa?: string }[])('refuses $name on create, apply and server-side apply', async ({ manifest, stderr, ssa }) => {
    for (const args of [['create'], ['apply'], ['apply', '--server-side'], ['apply', '--server-side', '--dry-run=server']]) {
      const result = await kubectl([...args, '-f', '-'], manifest)
      const expected = args.includes('--server-side') && ssa !== undefined ? ssa : stderr
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 1, stderr: expected })
    }
    expect((await kubectl(['get', 'gitrepositories,kustomizations', '-n', 'default', '-o', 'name'])).stdout).toBe('')
  })

  it('accepts a valid GitRepository and fills the schema defaults', async () => {
    const created = await kubectl(['apply', '--server-side', '-f', '-'], gitRepository('  interval: 5m\n  url: https://github.com/stefanprodan/podinfo\n', 'valid'))
    expect(created.stderr).toBe('')
    const timeout = await kubectl(['get', 'gitrepository', 'valid', '-n', 'default', '-o', 'jsonpath={.spec.timeout}'])
    expect(timeout.stdout).toBe('60s')
    await kubectl(['delete', 'gitrepository', 'valid', '-n', 'default'])
  })
})

const widgetCrd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['size'],
                'x-kubernetes-validations': [
                  { rule: '!has(self.size) || self.size >= self.minSize', messageExpression: "'size ' + string(self.size) + ' is below minSize'", fieldPath: '.size' },
                  { rule: '!has(self.secret) || self.size > 1', reason: 'FieldValueForbidden', message: 'secret needs size above 1', fieldPath: '.secret' },
                  { rule: 'isURL(self.url)', message: 'url must be a URL' },
                ],
                properties: {
                  size: { type: 'integer', minimum: 1, maximum: 10, exclusiveMaximum: true },
                  minSize: { type: 'integer', default: 1 },
                  ratio: { type: 'number', multipleOf: 0.5 },
                  name: { type: 'string', maxLength: 5 },
                  since: { type: 'string', format: 'date-time' },
                  url: { type: 'string' },
                  secret: { type: 'string' },
                  owner: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'owner is immutable' }] },
                  tags: { type: 'array', maxItems: 2, 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
                  ports: {
                    type: 'array',
                    'x-kubernetes-list-type': 'map',
                    'x-kubernetes-list-map-keys': ['name'],
                    items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, port: { type: 'integer' } } },
                  },
                  note: { type: 'string', nullable: true },
                },
              },
            },
          },
        },
      },
    ],
  },
}

const widgets = '/apis/example.com/v1/namespaces/default/widgets'
const widget = (name: string, spec: Record<string, unknown>): string => JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name }, spec })

describe('CRD schema keywords and rules', () => {
  beforeAll(async () => {
    const answer = await raw(server, { method: 'POST', path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', body: JSON.stringify(widgetCrd), contentType: 'application/json' })
    expect(answer.status).toBe(201)
    await eventually(async () => (await raw(server, { method: 'GET', path: widgets })).status === 200)
  })

  it.for([
    { name: 'a missing required field', spec: {}, message: 'Widget.example.com "w" is invalid: spec.size: Required value', reason: 'FieldValueRequired' },
    { name: 'an integer below its minimum', spec: { size: 0, minSize: 0 }, message: 'Widget.example.com "w" is invalid: spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1', reason: 'FieldValueInvalid' },
    { name: 'an integer at its exclusive maximum', spec: { size: 10 }, message: 'Widget.example.com "w" is invalid: spec.size: Invalid value: 10: spec.size in body should be less than 10', reason: 'FieldValueInvalid' },
    { name: 'a number not a multiple', spec: { size: 2, ratio: 0.7 }, message: 'Widget.example.com "w" is invalid: spec.ratio: Invalid value: 0.7: spec.ratio in body should be a multiple of 0.5', reason: 'FieldValueInvalid' },
    { name: 'a string too long', spec: { size: 2, name: 'abcdef' }, message: 'Widget.example.com "w" is invalid: spec.name: Too long: may not be more than 5 bytes', reason: 'FieldValueTooLong' },
    { name: 'a bad date-time', spec: { size: 2, since: 'yesterday' }, message: 'Widget.example.com "w" is invalid: spec.since: Invalid value: "yesterday": spec.since in body must be of type date-time: "yesterday"', reason: 'FieldValueInvalid' },
    { name: 'too many items', spec: { size: 2, tags: ['a', 'b', 'c'] }, message: 'Widget.example.com "w" is invalid: spec.tags: Too many: 3: must have at most 2 items', reason: 'FieldValueTooMany' },
    { name: 'a duplicate set item', spec: { size: 2, tags: ['a', 'a'] }, message: 'Widget.example.com "w" is invalid: spec.tags[1]: Duplicate value: "a"', reason: 'FieldValueDuplicate' },
    { name: 'a duplicate map key', spec: { size: 2, ports: [{ name: 'http', port: 80 }, { name: 'http', port: 81 }] }, message: 'Widget.example.com "w" is invalid: spec.ports[1]: Duplicate value: map[string]interface {}{"name":"http"}', reason: 'FieldValueDuplicate' },
    { name: 'a rule with a message expression', spec: { size: 2, minSize: 3 }, message: 'Widget.example.com "w" is invalid: spec.size: Invalid value: "object": size 2 is below minSize', reason: 'FieldValueInvalid' },
    { name: 'a rule with a reason', spec: { size: 1, secret: 's' }, message: 'Widget.example.com "w" is invalid: spec.secret: Forbidden: secret needs size above 1', reason: 'FieldValueForbidden' },
  ])('refuses $name', async ({ spec, message, reason }) => {
    const answer = await raw(server, { method: 'POST', path: widgets, body: widget('w', spec), contentType: 'application/json' })
    expect(answer.status).toBe(422)
    const body = answer.json()
    expect(body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Invalid', code: 422, message, details: { name: 'w', group: 'example.com', kind: 'Widget' } })
    expect((body.details as { causes: { reason: string }[] }).causes[0]?.reason).toBe(reason)
    expect((await raw(server, { method: 'GET', path: `${widgets}/w` })).status).toBe(404)
  })

  it('evaluates transition rules on update only, against the stored value', async () => {
    const created = await raw(server, { method: 'POST', path: widgets, body: widget('owned', { size: 2, owner: 'ann' }), contentType: 'application/json' })
    expect(created.status).toBe(201)
    const changed = await raw(server, { method: 'PATCH', path: `${widgets}/owned`, body: JSON.stringify({ spec: { owner: 'bob' } }), contentType: 'application/merge-patch+json' })
    expect(changed.status).toBe(422)
    expect(changed.json().message).toBe('Widget.example.com "owned" is invalid: spec.owner: Invalid value: "string": owner is immutable')
    const live = await raw(server, { method: 'GET', path: `${widgets}/owned` })
    expect((live.json().spec as { owner: string }).owner).toBe('ann')
    const same = await raw(server, { method: 'PATCH', path: `${widgets}/owned`, body: JSON.stringify({ spec: { size: 3 } }), contentType: 'application/merge-patch+json' })
    expect(same.status).toBe(200)
  })

  it('accepts what the rule library cannot evaluate, with a warning saying so', async () => {
    const answer = await raw(server, { method: 'POST', path: widgets, body: widget('urls', { size: 2, url: 'not a url', note: null }), contentType: 'application/json' })
    expect(answer.status).toBe(201)
    expect(String(answer.headers.warning)).toContain('spec: x-kubernetes-validations rule \\"isURL(self.url)\\" was not evaluated')
    expect(answer.json().spec).toEqual({ size: 2, minSize: 1, url: 'not a url', note: null })
  })
})

describe('CRD defaults on read', () => {
  it('shows a default added to the schema later on objects stored before it, without a new resourceVersion', async () => {
    const crd = structuredClone(widgetCrd) as typeof widgetCrd & { metadata: { name: string } }
    crd.metadata.name = 'gadgets.example.com'
    crd.spec.names = { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' }
    const schema = crd.spec.versions[0]?.schema.openAPIV3Schema.properties.spec as unknown as { properties: Record<string, unknown>; 'x-kubernetes-validations'?: unknown }
    delete schema['x-kubernetes-validations']
    schema.properties.color = { type: 'string' }
    const created = await raw(server, { method: 'POST', path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', body: JSON.stringify(crd), contentType: 'application/json' })
    expect(created.status).toBe(201)
    const gadgets = '/apis/example.com/v1/namespaces/default/gadgets'
    await eventually(async () => (await raw(server, { method: 'GET', path: gadgets })).status === 200)
    const stored = await raw(server, { method: 'POST', path: gadgets, body: JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g' }, spec: { size: 2 } }), contentType: 'application/json' })
    expect(stored.status).toBe(201)
    const rv = (stored.json().metadata as { resourceVersion: string }).resourceVersion
    schema.properties.color = { type: 'string', default: 'blue' }
    const patch = JSON.stringify([{ op: 'replace', path: '/spec/versions', value: crd.spec.versions }])
    expect((await raw(server, { method: 'PATCH', path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.example.com', body: patch, contentType: 'application/json-patch+json' })).status).toBe(200)
    const read = (await raw(server, { method: 'GET', path: `${gadgets}/g` })).json()
    expect(read.spec).toMatchObject({ size: 2, color: 'blue' })
    expect((read.metadata as { resourceVersion: string }).resourceVersion).toBe(rv)
  })
})

describe('a CRD whose pattern Go rejects', () => {
  const crds = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions'
  const crd = (pattern: string): string =>
    JSON.stringify({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'patterns.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'patterns', kind: 'Pattern' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { foo: { type: 'string', pattern } } } } }],
      },
    })
  const message =
    'CustomResourceDefinition.apiextensions.k8s.io "patterns.example.com" is invalid: spec.versions[0].schema.openAPIV3Schema.properties[foo].pattern: Invalid value: "+": must be a valid regular expression, but isn\'t: error parsing regexp: missing argument to repetition operator: `+`'

  it('is refused on create as kube-apiserver refuses it, and nothing is stored', async () => {
    const answer = await raw(server, { method: 'POST', path: crds, body: crd('+'), contentType: 'application/json' })
    expect(answer.status).toBe(422)
    expect(answer.json()).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Invalid', code: 422, message })
    expect((await raw(server, { method: 'GET', path: `${crds}/patterns.example.com` })).status).toBe(404)
  })

  it('is refused on update, the stored CRD unchanged', async () => {
    const created = await raw(server, { method: 'POST', path: crds, body: crd('^a'), contentType: 'application/json' })
    expect(created.status).toBe(201)
    const patch = JSON.stringify([{ op: 'replace', path: '/spec/versions/0/schema/openAPIV3Schema/properties/foo/pattern', value: '+' }])
    const answer = await raw(server, { method: 'PATCH', path: `${crds}/patterns.example.com`, body: patch, contentType: 'application/json-patch+json' })
    expect(answer.status).toBe(422)
    expect(answer.json()).toMatchObject({ code: 422, message })
    const stored = (await raw(server, { method: 'GET', path: `${crds}/patterns.example.com` })).json()
    expect(stored.spec).toMatchObject({ versions: [{ schema: { openAPIV3Schema: { properties: { foo: { pattern: '^a' } } } } }] })
  })
})
