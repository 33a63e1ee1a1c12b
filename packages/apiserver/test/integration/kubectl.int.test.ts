// The verification plan through kubectl 1.32 as a second client: discovery, create, get, patch,
// delete with each propagation policy, wait with simulated controllers, CRD then custom resource, and
// get --watch, and kubectl's own field validation, which it leaves to the server once /openapi/v3
// says the server does it. kubectl runs with its own kubeconfig and cache dir.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer } from '../../src/index.js'
import type { ApiServer } from '../../src/index.js'
import { eventually, hasKubectl, kubectlBin, kubectlFor, needsKubectl, uniqueName } from '../helpers/kube.js'
import type { Kubectl } from '../helpers/kube.js'

let server: ApiServer
let kubectl: Kubectl
beforeAll(async () => {
  server = await startApiServer({ controllers: 'ready', readyDelayMs: 50 })
  kubectl = kubectlFor(server)
})
afterAll(async () => {
  kubectl.dispose()
  await server.stop()
})

const deploymentYaml = (name: string, ns: string): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
  labels: {app: ${name}}
spec:
  replicas: 2
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
`

const configMapYaml = (name: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\ndata: {a: "1"}\n`

async function ok(args: readonly string[], input?: string): Promise<string> {
  const r = await kubectl(args, input)
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`)
  return r.stdout
}

async function namespace(prefix: string): Promise<string> {
  const ns = uniqueName(prefix)
  // From a manifest (JSON on the wire); `kubectl create namespace` (protobuf) is covered elsewhere.
  await ok(['create', '-f', '-'], `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}\n`)
  return ns
}

describe.skipIf(!hasKubectl)(needsKubectl('kubectl 1.32 against the apiserver'), () => {
  it('computes the same client-side apply patches from the served schemas as from its compiled-in types', async () => {
    const ns = await namespace('csa')
    const before = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${ns}}
spec:
  selector: {matchLabels: {app: web}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1}}
  template:
    metadata: {labels: {app: web}}
    spec:
      tolerations: [{key: a, operator: Exists}]
      volumes: [{name: c, configMap: {name: x}}, {name: d, emptyDir: {}}]
      containers:
      - {name: web, image: nginx:1.27, args: [a, b], env: [{name: A, value: "1"}, {name: B, value: "2"}], ports: [{containerPort: 80}, {containerPort: 443}]}
      - {name: side, image: busybox}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: ${ns}}
spec: {selector: {app: web}, ports: [{name: http, port: 80}, {name: https, port: 443}]}
`
    const after = before
      .replace('{name: B, value: "2"}', '{name: C, value: "3"}')
      .replace('{containerPort: 443}', '{containerPort: 8443}')
      .replace('emptyDir: {}', 'secret: {secretName: s}')
      .replace('      - {name: side, image: busybox}\n', '')
      .replace('key: a', 'key: b')
      .replace('port: 443', 'port: 8443')
      .replace('{type: RollingUpdate, rollingUpdate: {maxSurge: 1}}', '{type: Recreate}')
    await ok(['apply', '-f', '-'], before)
    // kubectl logs each request body at -v=9; with --openapi-patch=false it uses its own types.
    const patches = async (openapi: boolean): Promise<string[]> => {
      const r = await kubectl(['apply', '-f', '-', '--dry-run=server', '-v=9', `--openapi-patch=${String(openapi)}`], after)
      return r.stderr.split('\n').filter((l) => l.includes('"Request Body"') && !l.endsWith('body=""')).map((l) => l.replace(/^.*\] /, ''))
    }
    const [served, compiled] = await Promise.all([patches(true), patches(false)])
    expect(served).toHaveLength(2)
    expect(served.join('\n')).toContain(String.raw`\"$retainKeys\":[\"name\",\"secret\"]`)
    expect(served.join('\n')).toContain(String.raw`{\"$patch\":\"delete\",\"name\":\"side\"}`)
    expect(served).toEqual(compiled)
  })

  it('leaves field validation to the server, strict by default', async () => {
    const ns = await namespace('validate')
    const bogus = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bogus, namespace: ${ns}}\ndata: {a: "1"}\nbogus: 1\n`
    const strict = await kubectl(['apply', '-f', '-'], bogus)
    expect(strict.code).toBe(1)
    expect(strict.stderr).toBe(
      'Error from server (BadRequest): error when creating "STDIN": ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "bogus"\n',
    )
    const ssa = await kubectl(['apply', '--server-side', '-f', '-'], bogus)
    expect(ssa.stderr).toBe(`Error from server: failed to create typed patch object (${ns}/bogus; /v1, Kind=ConfigMap): .bogus: field not declared in schema\n`)
    const warn = await kubectl(['apply', '--validate=warn', '-f', '-'], bogus)
    expect([warn.code, warn.stdout, warn.stderr]).toEqual([0, 'configmap/bogus created\n', 'Warning: unknown field "bogus"\n'])
    // Client-side apply of a change: kubectl computes a strategic merge patch from the served schemas.
    await ok(['apply', '-f', '-'], deploymentYaml('web', ns))
    expect(await ok(['apply', '-f', '-'], deploymentYaml('web', ns).replace('nginx:1.27', 'nginx:1.28'))).toBe('deployment.apps/web configured\n')
    expect(await ok(['get', 'deployment', 'web', '-n', ns, '-o', 'jsonpath={.spec.template.spec.containers[*].image}'])).toBe('nginx:1.28')
    // A List has no OpenAPI v3 entry: kubectl reads /openapi/v2 and still leaves each item to the server.
    const list = `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: l1, namespace: ${ns}}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: l2, namespace: ${ns}}\n  bogus: 1\n`
    const listed = await kubectl(['apply', '-f', '-'], list)
    expect([listed.stdout, listed.stderr]).toEqual([
      'configmap/l1 created\n',
      'Error from server (BadRequest): error when creating "STDIN": ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "bogus"\n',
    ])
    const explain = await kubectl(['explain', 'deployment'])
    expect(explain.stdout).toMatch(/^GROUP:\s+apps\nKIND:\s+Deployment\nVERSION:\s+v1\n\nDESCRIPTION:\n {4}Deployment enables declarative updates for Pods and ReplicaSets\.\n/)
  })

  it('discovers the API and prints objects it creates', async () => {
    const resources = await ok(['api-resources', '--no-headers'])
    expect(resources).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m)
    expect(resources).toMatch(/^namespaces\s+ns\s+v1\s+false\s+Namespace$/m)
    const versions = await ok(['api-versions'])
    expect(versions.split('\n')).toEqual(expect.arrayContaining(['v1', 'apps/v1', 'batch/v1', 'apiextensions.k8s.io/v1']))
    const ns = await namespace('get')
    const typed = await kubectl(['create', 'configmap', 'typed', '-n', ns])
    // Typed generators send protobuf, which the server decodes (kubectlCreate.int.test.ts covers them all).
    expect([typed.code, typed.stdout]).toEqual([0, 'configmap/typed created\n'])
    expect(await ok(['create', '-n', ns, '-f', '-'], configMapYaml('app'))).toBe('configmap/app created\n')
    const yaml = await ok(['get', 'configmap', 'app', '-n', ns, '-o', 'yaml'])
    expect(yaml).toContain('data:\n  a: "1"\n')
    expect(yaml).toContain(`namespace: ${ns}\n`)
    expect(await ok(['get', 'configmaps', '-n', ns, '-o', 'name'])).toBe('configmap/app\nconfigmap/typed\n')
  })

  it('patches with merge and JSON patches and replaces', async () => {
    const ns = await namespace('patch')
    await ok(['create', '-n', ns, '-f', '-'], configMapYaml('app'))
    await ok(['patch', 'configmap', 'app', '-n', ns, '--type=merge', '-p', '{"data":{"b":"2"}}'])
    await ok(['patch', 'configmap', 'app', '-n', ns, '--type=json', '-p', '[{"op":"remove","path":"/data/a"}]'])
    expect(await ok(['get', 'configmap', 'app', '-n', ns, '-o', 'jsonpath={.data}'])).toBe('{"b":"2"}')
    const conflict = await kubectl(['patch', 'configmap', 'app', '-n', ns, '--type=json', '-p', '[{"op":"test","path":"/data/b","value":"9"}]'])
    expect(conflict.code).not.toBe(0)
  })

  it('deletes with each propagation policy', async () => {
    const ns = await namespace('cascade')
    // The three cascades touch different objects, so they run side by side; the server is read in
    // process between kubectl runs (no kubectl process per poll), and kubectl lists what is left.
    const cascades = ['background', 'foreground', 'orphan'] as const
    const configMap = (name: string): unknown => server.get({ group: '', kind: 'ConfigMap', namespace: ns, name })
    await Promise.all(
      cascades.map(async (cascade) => {
        await ok(['apply', '--server-side', '-f', '-'], deploymentYaml(`web-${cascade}`, ns))
        const uid = server.get({ group: 'apps', kind: 'Deployment', namespace: ns, name: `web-${cascade}` })?.metadata.uid
        await ok(['create', '-n', ns, '-f', '-'], configMapYaml(`dep-${cascade}`))
        await ok(['patch', 'configmap', `dep-${cascade}`, '-n', ns, '--type=merge', '-p', JSON.stringify({ metadata: { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: `web-${cascade}`, uid, blockOwnerDeletion: true }] } })])
        expect(await ok(['delete', 'deployment', `web-${cascade}`, '-n', ns, `--cascade=${cascade}`, '--timeout=20s'])).toBe(`deployment.apps "web-${cascade}" deleted\n`)
        await eventually(() => ((configMap(`dep-${cascade}`) !== undefined) === (cascade === 'orphan') ? true : undefined))
      }),
    )
    expect(await ok(['get', 'configmaps', '-n', ns, '-o', 'name'])).toBe('configmap/dep-orphan\n')
  })

  it('waits for a Deployment to become Available with simulated controllers', async () => {
    const ns = await namespace('wait')
    await ok(['apply', '--server-side', '-f', '-'], deploymentYaml('web', ns))
    expect(await ok(['wait', '--for=condition=Available', 'deployment/web', '-n', ns, '--timeout=20s'])).toBe('deployment.apps/web condition met\n')
    expect(await ok(['rollout', 'status', 'deployment/web', '-n', ns, '--timeout=20s'])).toContain('successfully rolled out')
    const status = JSON.parse(await ok(['get', 'deployment', 'web', '-n', ns, '-o', 'jsonpath={.status}'])) as Record<string, unknown>
    expect(status).toMatchObject({ observedGeneration: 1, replicas: 2, readyReplicas: 2, availableReplicas: 2, updatedReplicas: 2 })
  })

  it('records kubectl scale as an Update of the scale subresource, which a later apply conflicts with', async () => {
    const ns = await namespace('scale')
    await ok(['apply', '--server-side', '--field-manager=sdk', '-f', '-'], deploymentYaml('web', ns))
    expect(await ok(['scale', 'deployment/web', '-n', ns, '--replicas=4'])).toBe('deployment.apps/web scaled\n')
    const entries = JSON.parse(await ok(['get', 'deployment', 'web', '-n', ns, '-o', 'jsonpath={.metadata.managedFields}'])) as Record<string, unknown>[]
    const scaler = entries.find((e) => e.manager === 'kubectl')
    expect(scaler).toEqual({
      manager: 'kubectl',
      operation: 'Update',
      apiVersion: 'apps/v1',
      time: expect.any(String) as unknown,
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:spec': { 'f:replicas': {} } },
      subresource: 'scale',
    })
    expect(JSON.stringify(entries.find((e) => e.manager === 'sdk')?.fieldsV1)).not.toContain('f:replicas')
    const conflict = await kubectl(['apply', '--server-side', '--field-manager=sdk', '-f', '-'], deploymentYaml('web', ns))
    expect(conflict.code).toBe(1)
    expect(conflict.stderr).toMatch(/^error: Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps\/v1: \.spec\.replicas\n/)
    expect(await ok(['get', 'deployment', 'web', '-n', ns, '-o', 'jsonpath={.spec.replicas}'])).toBe('4')
  })

  it('registers a CRD and then serves its custom resources', async () => {
    const missing = await kubectl(['apply', '--server-side', '-f', '-'], 'apiVersion: example.org/v1\nkind: Gadget\nmetadata: {name: g1, namespace: default}\nspec: {size: 1}\n')
    expect(missing.code).not.toBe(0)
    expect(missing.stderr).toContain('no matches for kind "Gadget" in version "example.org/v1"')
    await ok(['apply', '--server-side', '-f', '-'], `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.example.org}
spec:
  group: example.org
  scope: Namespaced
  names: {plural: gadgets, kind: Gadget, shortNames: [gd]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, properties: {size: {type: integer}}}
          status: {type: object, x-kubernetes-preserve-unknown-fields: true}
`)
    expect(await ok(['wait', '--for=condition=Established', 'crd/gadgets.example.org', '--timeout=20s'])).toBe('customresourcedefinition.apiextensions.k8s.io/gadgets.example.org condition met\n')
    expect(await ok(['apply', '--server-side', '-f', '-'], 'apiVersion: example.org/v1\nkind: Gadget\nmetadata: {name: g1, namespace: default}\nspec: {size: 1}\n')).toBe('gadget.example.org/g1 serverside-applied\n')
    expect(await ok(['get', 'gd', '-n', 'default', '-o', 'name'])).toBe('gadget.example.org/g1\n')
    const unknown = await kubectl(['create', '-f', '-'], 'apiVersion: example.org/v1\nkind: Gadget\nmetadata: {name: g2, namespace: default}\nspec: {size: 1, colour: red}\n')
    expect(unknown.stderr).toBe(
      'Error from server (BadRequest): error when creating "STDIN": Gadget in version "v1" cannot be handled as a Gadget: strict decoding error: unknown field "spec.colour"\n',
    )
    expect(await ok(['delete', 'crd', 'gadgets.example.org', '--timeout=20s'])).toBe('customresourcedefinition.apiextensions.k8s.io "gadgets.example.org" deleted\n')
    const gone = await kubectl(['get', 'gadgets', '-n', 'default'])
    expect(gone.code).not.toBe(0)
  })

  it('prints watch events with get --watch', async () => {
    const ns = await namespace('watch')
    const child = spawn(kubectlBin, ['--kubeconfig', join(kubectl.dir, 'kubeconfig'), '--cache-dir', join(kubectl.dir, 'cache'), 'get', 'configmaps', '-n', ns, '--watch', '--output-watch-events'], {
      env: { PATH: process.env.PATH ?? '', HOME: kubectl.dir },
    })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    await eventually(() => server.requests().some((r) => r.verb === 'watch' && r.namespace === ns) || undefined)
    await ok(['create', '-n', ns, '-f', '-'], configMapYaml('one'))
    await ok(['patch', 'configmap', 'one', '-n', ns, '--type=merge', '-p', '{"data":{"a":"1"}}'])
    await ok(['patch', 'configmap', 'one', '-n', ns, '--type=merge', '-p', '{"data":{"a":"2"}}'])
    await ok(['delete', 'configmap', 'one', '-n', ns])
    await eventually(() => (out.split('\n').length >= 5 ? true : undefined))
    child.kill()
    // Each event is a Table row, so kubectl prints the server's columns (ConfigMap: NAME, DATA, AGE).
    expect(out.split('\n').map((line) => line.split(/\s+/).slice(0, 3).join(' '))).toEqual(['EVENT NAME DATA', 'ADDED one 1', 'MODIFIED one 1', 'DELETED one 1', ''])
  })
})
