// What `kubectl get` prints against the server: server-side Tables with kube-apiserver 1.32's columns
// for built-in kinds (and `-o wide`), a CRD's additionalPrinterColumns (Flux's Kustomization READY and
// STATUS), the default NAME / CREATED AT, and the metadata-only renderings controllers ask for. A fake
// clock makes every AGE exact. Objects are made over HTTP; kubectl runs once per output checked.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createFakeClock } from '@gitops-sdk/core'
import type { FakeClock } from '@gitops-sdk/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer } from '../../src/index.js'
import type { ApiServer } from '../../src/index.js'
import { hasKubectl, kubectlFor, needsKubectl, raw } from '../helpers/kube.js'
import type { Kubectl } from '../helpers/kube.js'
import { sharedDir } from '../../../../testing/sharedDir.js'

let server: ApiServer
let kubectl: Kubectl
let clock: FakeClock
const start = new Date('2026-06-01T10:00:00Z')
beforeAll(async () => {
  clock = createFakeClock(start)
  server = await startApiServer({ clock })
  kubectl = kubectlFor(server)
})
afterAll(async () => {
  kubectl.dispose()
  await server.stop()
})

async function post(path: string, body: unknown): Promise<void> {
  const answer = await raw(server, { method: 'POST', path, body: JSON.stringify(body), contentType: 'application/json' })
  if (answer.status !== 201) throw new Error(`${path}: ${answer.text}`)
}

const ns = '/api/v1/namespaces/shop'
const apps = '/apis/apps/v1/namespaces/shop'
const tableAccept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json'

async function fixtures(): Promise<void> {
  await post('/api/v1/namespaces', { metadata: { name: 'shop' } })
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }, { name: 'log', image: 'busybox' }] } }
  await post(`${apps}/deployments`, { metadata: { name: 'web' }, spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template } })
  server.setStatus({ group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'web' }, { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 })
  await post(`${ns}/services`, { metadata: { name: 'api' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'https', port: 443 }] } })
  await post(`${ns}/services`, { metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'example.com' } })
  await post(`${ns}/configmaps`, { metadata: { name: 'settings' }, data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } })
  await post(`${ns}/secrets`, { metadata: { name: 'tls' }, type: 'kubernetes.io/tls', data: { 'tls.crt': 'AA==', 'tls.key': 'AA==' } })
  await post('/apis/batch/v1/namespaces/shop/jobs', { metadata: { name: 'migrate' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'busybox' }] } } } })
  await post('/apis/rbac.authorization.k8s.io/v1/namespaces/shop/roles', { metadata: { name: 'reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] })
}

describe.skipIf(!hasKubectl)(needsKubectl('kubectl get prints the server-side tables'), () => {
  it('prints the columns of built-in kinds, with -o wide', async () => {
    await fixtures()
    await clock.advance(5 * 60_000 + 7_000)
    const get = await kubectl(['get', 'deployments,services,configmaps,secrets,jobs,roles', '-n', 'shop'])
    expect(get.stderr).toBe('')
    expect(get.stdout).toBe(
      [
        'NAME                  READY   UP-TO-DATE   AVAILABLE   AGE',
        'deployment.apps/web   2/3     3            2           5m7s',
        '',
        'NAME          TYPE           CLUSTER-IP   EXTERNAL-IP   PORT(S)          AGE',
        'service/api   ClusterIP      10.96.0.10   <none>        80/TCP,443/TCP   5m7s',
        'service/ext   ExternalName   <none>       example.com   <none>           5m7s',
        '',
        'NAME                 DATA   AGE',
        'configmap/settings   3      5m7s',
        '',
        'NAME         TYPE                DATA   AGE',
        'secret/tls   kubernetes.io/tls   2      5m7s',
        '',
        'NAME                STATUS    COMPLETIONS   DURATION   AGE',
        'job.batch/migrate   Running   0/1                      5m7s',
        '',
        'NAME                                    CREATED AT',
        'role.rbac.authorization.k8s.io/reader   2026-06-01T10:00:00Z',
        '',
      ].join('\n'),
    )
    const wide = await kubectl(['get', 'deployment', 'web', '-n', 'shop', '-o', 'wide'])
    expect(wide.stdout).toBe(
      ['NAME   READY   UP-TO-DATE   AVAILABLE   AGE    CONTAINERS   IMAGES               SELECTOR', 'web    2/3     3            2           5m7s   web,log      nginx:1.27,busybox   app=web', ''].join('\n'),
    )
    const columns = await kubectl(['get', 'services', '-n', 'shop', '-o', 'custom-columns=NAME:.metadata.name,PORTS:.spec.ports[*].port', '--sort-by=.metadata.name'])
    expect(columns.stdout).toBe('NAME   PORTS\napi    80,443\next    <none>\n')
    const labels = await kubectl(['get', 'namespace', 'shop', '--show-labels'])
    expect(labels.stdout).toBe('NAME   STATUS   AGE    LABELS\nshop   Active   5m7s   kubernetes.io/metadata.name=shop\n')
  })

  it('answers metadata-only renderings and keeps JSON for clients that ask for it', async () => {
    const table = await raw(server, { method: 'GET', path: `${ns}/configmaps`, headers: { accept: tableAccept } })
    expect(table.json()).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1', columnDefinitions: [{ name: 'Name', format: 'name' }, { name: 'Data', type: 'integer' }, { name: 'Age' }] })
    expect((table.json().rows as { object: { kind: string } }[])[0]?.object.kind).toBe('PartialObjectMetadata')
    const full = await raw(server, { method: 'GET', path: `${ns}/configmaps/settings?includeObject=Object`, headers: { accept: tableAccept } })
    expect((full.json().rows as { object: { kind: string; data: unknown } }[])[0]?.object).toMatchObject({ kind: 'ConfigMap', data: { a: '1', b: '2' } })
    const partial = await raw(server, { method: 'GET', path: `${ns}/configmaps`, headers: { accept: 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io' } })
    expect(partial.json()).toMatchObject({ kind: 'PartialObjectMetadataList', items: [{ kind: 'PartialObjectMetadata', metadata: { name: 'settings' } }] })
    expect(partial.json().items).not.toHaveProperty('0.data')
    const plain = await raw(server, { method: 'GET', path: `${ns}/configmaps`, headers: { accept: 'application/json, application/json;as=Table;v=v1;g=meta.k8s.io' } })
    expect(plain.json().kind).toBe('ConfigMapList')
  })

  it('discovers through aggregated discovery and prints events as kubectl events does', async () => {
    const before = server.requests().length
    const resources = await kubectl(['api-resources', '--api-group=apps'])
    expect(resources.stdout).toBe(
      [
        'NAME                  SHORTNAMES   APIVERSION   NAMESPACED   KIND',
        'controllerrevisions                apps/v1      true         ControllerRevision',
        'daemonsets            ds           apps/v1      true         DaemonSet',
        'deployments           deploy       apps/v1      true         Deployment',
        'replicasets           rs           apps/v1      true         ReplicaSet',
        'statefulsets          sts          apps/v1      true         StatefulSet',
        '',
      ].join('\n'),
    )
    // /version, then one request for /api and one for /apis, as against a cluster.
    expect(server.requests().slice(before).map((r) => r.path)).toEqual(['/version', '/api', '/apis'])
    // kubectl events ages events by its own clock: whole days keep the output exact.
    const daysAgo = (n: number): string => new Date(Date.now() - n * 86_400_000 - 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z')
    const event = (name: string, type: string, lastDays: number): unknown => ({
      metadata: { name },
      involvedObject: { kind: 'Deployment', name: 'web', namespace: 'shop', apiVersion: 'apps/v1' },
      reason: type === 'Normal' ? 'ScalingReplicaSet' : 'FailedCreate',
      message: type === 'Normal' ? 'Scaled up replica set web-6d4cf56db6 to 3' : 'quota exceeded',
      type,
      source: { component: 'deployment-controller' },
      firstTimestamp: daysAgo(12),
      lastTimestamp: daysAgo(lastDays),
      count: 2,
    })
    await post(`${ns}/events`, event('web.1', 'Normal', 10))
    await post(`${ns}/events`, event('web.2', 'Warning', 9))
    const events = await kubectl(['events', '-n', 'shop', '--for', 'deployment/web'])
    expect(events.stdout).toBe(
      [
        'LAST SEEN           TYPE      REASON              OBJECT           MESSAGE',
        '10d (x2 over 12d)   Normal    ScalingReplicaSet   Deployment/web   Scaled up replica set web-6d4cf56db6 to 3',
        '9d (x2 over 12d)    Warning   FailedCreate        Deployment/web   quota exceeded',
        '',
      ].join('\n'),
    )
  })

  it.skipIf(sharedDir() === undefined)("prints a CRD's additionalPrinterColumns (Flux's Kustomization READY and STATUS)", async () => {
    const crd = readFileSync(join(sharedDir() ?? '', 'conformance/flux/crds/kustomize.toolkit.fluxcd.io_kustomizations.yaml'), 'utf8')
    const applied = await kubectl(['apply', '--server-side', '-f', '-'], crd)
    expect(applied.code).toBe(0)
    await post('/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/shop/kustomizations', {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'apps' },
      spec: { interval: '5m', path: './apps', prune: true, sourceRef: { kind: 'GitRepository', name: 'repo' } },
    })
    server.setStatus(
      { group: 'kustomize.toolkit.fluxcd.io', kind: 'Kustomization', namespace: 'shop', name: 'apps' },
      { conditions: [{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: 'Applied revision: main@sha1:abc', lastTransitionTime: '2026-06-01T10:05:07Z' }] },
    )
    await clock.advance(60_000)
    const get = await kubectl(['get', 'kustomizations', '-n', 'shop'])
    expect(get.stdout).toBe('NAME   AGE   READY   STATUS\napps   60s   True    Applied revision: main@sha1:abc\n')
    // The CRD's schema is served as an OpenAPI v3 component schema of its group version.
    const explained = await kubectl(['explain', 'kustomizations.spec'])
    expect(explained.stdout).toMatch(/^GROUP:\s+kustomize\.toolkit\.fluxcd\.io\nKIND:\s+Kustomization\nVERSION:\s+v1\n\nFIELD: spec <Object>\n/)
    expect(explained.stdout).toMatch(/^ {2}interval\t<string> -required-\n {4}The interval at which to reconcile the Kustomization\./m)
    expect(explained.stdout).toMatch(/^ {2}sourceRef\t<Object> -required-$/m)
  })

  it('explains built-in kinds from the OpenAPI v3 component schemas, and names a field that does not exist', async () => {
    const [spec, containers, missing] = await Promise.all([
      kubectl(['explain', 'deployment.spec']),
      kubectl(['explain', 'deployment.spec.template.spec.containers', '--recursive']),
      kubectl(['explain', 'deployment.spec.nope']),
    ])
    expect(spec.stdout).toMatch(/^GROUP:\s+apps\nKIND:\s+Deployment\nVERSION:\s+v1\n\nFIELD: spec <DeploymentSpec>\n\n\nDESCRIPTION:\n {4}Specification of the desired behavior of the Deployment\.\n/)
    expect(spec.stdout).toMatch(/^ {2}selector\t<LabelSelector> -required-\n {4}Label selector for pods\./m)
    expect(spec.stdout).toMatch(/^ {2}replicas\t<integer>\n/m)
    expect(containers.stdout).toMatch(/^FIELD: containers <\[\]Container>$/m)
    expect(containers.stdout).toMatch(/^ {2}name\t<string> -required-$/m)
    expect(containers.stdout).toMatch(/^ {2}ports\t<\[\]ContainerPort>\n {4}containerPort\t<integer> -required-$/m)
    expect(containers.stdout).toMatch(/^ {8}port\t<IntOrString> -required-$/m)
    expect(containers.stdout).toMatch(/^ {4}limits\t<map\[string\]Quantity>$/m)
    expect(missing.code).toBe(1)
    expect(missing.stderr).toBe('error: field "nope" does not exist\n')
  })
})
