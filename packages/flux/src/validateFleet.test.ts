import { describe, expect, it } from 'vitest'
import { memoryFs } from '@gitops-sdk/core'
import { formatFleetIssue, validateFleet } from './validateFleet.js'

const gotk = `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: flux-system, namespace: flux-system}
spec: {interval: 1m0s, ref: {branch: main}, url: ssh://git@example.com/fleet}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: flux-system, namespace: flux-system}
spec: {interval: 10m0s, path: ./clusters/prod, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}
`

const ks = (name: string, spec: string): string => `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: ${name}, namespace: flux-system}
spec: {interval: 10m, prune: true, ${spec}}
`

const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: {type: integer, minimum: 1, maximum: 10}
              colour: {type: string, enum: [red, blue]}
              code: {type: string, pattern: '^[a-z]+$'}
              since: {type: string, format: date-time}
              extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
`

const app = (deploy: string, widget: string): Record<string, string> => ({
  'apps/kustomization.yaml': 'resources: [deploy.yaml, widget.yaml]\n',
  'apps/deploy.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: apps}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: nginx, resources: {limits: {cpu: 1, memory: 64Mi}}, ports: [{containerPort: 80}]}
${deploy}---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: apps}
spec: {ports: [{port: 80, targetPort: http}], selector: {app: web}}
`,
  'apps/widget.yaml': `apiVersion: example.com/v1
kind: Widget
metadata: {name: w, namespace: apps}
spec: {${widget}}
`,
})

function fleet(files: Record<string, string>): ReturnType<typeof memoryFs> {
  return memoryFs({
    'clusters/prod/flux-system/gotk-sync.yaml': gotk,
    'clusters/prod/flux-system/kustomization.yaml': 'resources: [gotk-sync.yaml]\n',
    'clusters/prod/crds.yaml': ks('crds', 'path: ./crds, sourceRef: {kind: GitRepository, name: flux-system}'),
    'crds/widget.yaml': crd,
    ...files,
  })
}

describe('validateFleet', () => {
  it('finds nothing in a valid fleet: built-in kinds, a CRD of the fleet and its objects, Flux objects', async () => {
    const fs = fleet({
      'clusters/prod/apps.yaml': ks('apps', 'dependsOn: [{name: crds}], path: ./apps, sourceRef: {kind: GitRepository, name: flux-system}'),
      ...app('', 'size: 3, colour: red, code: abc, since: "2024-01-02T03:04:05Z", extra: {anything: [1, {deep: true}]}'),
    })
    const result = await validateFleet('.', { fs })
    expect(result.issues).toEqual([])
    expect(result.objects).toBe(8)
  })

  it('reports each schema problem with its file, object and field', async () => {
    const fs = fleet({
      'clusters/prod/apps.yaml': ks('apps', 'path: ./apps, sourceRef: {kind: GitRepository, name: flux-system}'),
      'clusters/prod/broken.yaml': ks('broken', 'path: ./apps, sourceRef: {kind: GitRepository, name: flux-system}, timeout: soon'),
      ...app('  replicas: three\n  paused: 1\n  colour: green\n', 'colour: green, code: ABC, since: yesterday, size: 11'),
      'apps/kustomization.yaml': 'resources: [deploy.yaml, widget.yaml, gadget.yaml]\n',
      'apps/gadget.yaml': 'apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\n',
    })
    const lines = (await validateFleet('.', { fs })).issues.map(formatFleetIssue)
    expect(lines).toEqual([
      'clusters/prod/broken.yaml: Kustomization/flux-system/broken: spec.timeout: Invalid value: "soon": should match \'^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$\'',
      'apps/deploy.yaml: Deployment/apps/web: spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
      'apps/deploy.yaml: Deployment/apps/web: spec.paused: Invalid value: "integer": spec.paused in body must be of type boolean: "integer"',
      'apps/deploy.yaml: Deployment/apps/web: spec.colour: unknown field "spec.colour"',
      'apps/gadget.yaml: Gadget/g: no schema for example.com/v1 Gadget: neither a built-in kind nor a CRD in the fleet',
      'apps/widget.yaml: Widget/apps/w: spec.colour: Unsupported value: "green": supported values: "red", "blue"',
      'apps/widget.yaml: Widget/apps/w: spec.code: Invalid value: "ABC": should match \'^[a-z]+$\'',
      'apps/widget.yaml: Widget/apps/w: spec.since: Invalid value: "yesterday": should be a date-time',
      'apps/widget.yaml: Widget/apps/w: spec.size: Invalid value: 11: should be less than or equal to 10',
    ])
  })

  it('reports a CRD pattern Go rejects as an issue of the object and field naming the CRD, in kube-apiserver\'s words', async () => {
    const fs = fleet({
      'clusters/prod/apps.yaml': ks('apps', 'path: ./apps, sourceRef: {kind: GitRepository, name: flux-system}'),
      'crds/widget.yaml': crd.replace("pattern: '^[a-z]+$'", "pattern: '+'"),
      ...app('', 'size: 3, code: abc'),
    })
    const lines = (await validateFleet('.', { fs })).issues.map(formatFleetIssue)
    expect(lines).toEqual([
      'apps/widget.yaml: Widget/apps/w: spec.code: CustomResourceDefinition.apiextensions.k8s.io "widgets.example.com" is invalid: spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[code].pattern: Invalid value: "+": must be a valid regular expression, but isn\'t: error parsing regexp: missing argument to repetition operator: `+`',
    ])
  })

  it('reports a required field and a missing container name', async () => {
    const fs = fleet({
      'clusters/prod/apps.yaml': ks('apps', 'path: ./apps, sourceRef: {kind: GitRepository, name: flux-system}'),
      ...app('', 'colour: red'),
      'apps/deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers: [{image: nginx}]\n',
    })
    const issues = (await validateFleet('.', { fs })).issues
    expect(issues.map((i) => [i.file, i.object, i.field])).toEqual([
      ['apps/deploy.yaml', 'Deployment/web', 'spec.selector'],
      ['apps/deploy.yaml', 'Deployment/web', 'spec.template.spec.containers[0].name'],
      ['apps/widget.yaml', 'Widget/apps/w', 'spec.size'],
    ])
  })

  it('reports the fleet graph: unknown sources and dependencies, cycles, missing paths', async () => {
    const fs = fleet({
      'clusters/prod/graph.yaml': [
        ks('a', 'dependsOn: [{name: b}], path: ./apps, sourceRef: {kind: GitRepository, name: flux-system}'),
        ks('b', 'dependsOn: [{name: a}, {name: ghost}], path: ./apps, sourceRef: {kind: GitRepository, name: flux-system}'),
        ks('c', 'path: ./nowhere, sourceRef: {kind: GitRepository, name: flux-system}'),
        ks('d', 'path: ./apps, sourceRef: {kind: OCIRepository, name: charts}'),
      ].join('---\n'),
      ...app('', 'size: 1'),
    })
    const lines = (await validateFleet('.', { fs })).issues.map(formatFleetIssue)
    expect(lines).toEqual([
      'clusters/prod/graph.yaml: Kustomization/flux-system/a: spec.dependsOn: dependency cycle flux-system/a -> flux-system/b -> flux-system/a',
      'clusters/prod/graph.yaml: Kustomization/flux-system/b: spec.dependsOn[1]: Kustomization flux-system/ghost is not defined by the fleet',
      'clusters/prod/graph.yaml: Kustomization/flux-system/c: spec.path: ./nowhere does not exist in the repository',
      'clusters/prod/graph.yaml: Kustomization/flux-system/d: spec.sourceRef: OCIRepository/flux-system/charts is not defined by the fleet',
    ])
  })

  it('refuses a fleet without a cluster directory with a typed error', async () => {
    await expect(validateFleet('.', { fs: memoryFs({ 'a.yaml': 'x: 1\n' }) })).rejects.toMatchObject({ code: 'FLUX_FLEET_INVALID' })
  })

  it('does not touch prototypes when objects carry __proto__ keys', async () => {
    const fs = fleet({
      'clusters/prod/apps.yaml': ks('apps', 'path: ./apps, sourceRef: {kind: GitRepository, name: flux-system}'),
      ...app('', 'size: 2, extra: {__proto__: {polluted: true}}'),
    })
    const result = await validateFleet('.', { fs })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(result.issues).toEqual([])
  })
})
