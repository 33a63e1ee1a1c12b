// Protobuf answers to kubectl 1.32: its typed clients (create generators, describe, events, auth can-i,
// create token, rollout history, scale) ask for `application/vnd.kubernetes.protobuf` first, and the
// server answers objects, lists, Status errors and watch streams in Kubernetes' envelope, as
// kube-apiserver does. kubectl decoding them is the test; the server's record of each answer's
// Content-Type shows which were protobuf. The dynamic clients (get, apply, rollout status, wait) keep
// getting JSON or Tables. One server, one kubectl per command, one watching kubectl.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer } from '../../src/index.js'
import type { ApiServer, RecordedRequest } from '../../src/index.js'
import { eventually, hasKubectl, kubectlBin, kubectlFor, needsKubectl, objectApi } from '../helpers/kube.js'
import type { Kubectl } from '../helpers/kube.js'

let server: ApiServer
let kubectl: Kubectl
beforeAll(async () => {
  server = await startApiServer({ controllers: 'ready', readyDelayMs: 20 })
  kubectl = kubectlFor(server)
})
afterAll(async () => {
  kubectl.dispose()
  await server.stop()
})

const PROTOBUF = 'application/vnd.kubernetes.protobuf'

/** The answers the server gave for requests matching `match` since `from`. */
function answers(from: number, match: (r: RecordedRequest) => boolean): (string | undefined)[] {
  return server
    .requests()
    .slice(from)
    .filter(match)
    .map((r) => r.answerContentType)
}

describe.skipIf(!hasKubectl)(needsKubectl('kubectl and protobuf answers'), () => {
  it('decodes objects, lists, Status errors and watch streams that the server answers in protobuf', async () => {
    const ok = async (args: string[]): Promise<string> => {
      const result = await kubectl(args)
      expect(result.stderr, args.join(' ')).toBe('')
      expect(result.code, args.join(' ')).toBe(0)
      return result.stdout
    }
    const ns = ['-n', 'team']

    // Objects: a typed create sends protobuf and gets its object back in protobuf.
    let from = server.requests().length
    expect(await ok(['create', 'namespace', 'team'])).toBe('namespace/team created\n')
    expect(await ok(['create', 'deployment', 'web', '--image=nginx', '--replicas=2', ...ns])).toBe('deployment.apps/web created\n')
    const creates = server.requests().slice(from).filter((r) => r.method === 'POST')
    expect(creates.map((r) => [r.contentType, r.answerContentType])).toEqual([
      [PROTOBUF, PROTOBUF],
      [PROTOBUF, PROTOBUF],
    ])
    expect(creates[0]?.accept).toMatch(/^application\/vnd\.kubernetes\.protobuf,\s*(\*\/\*|application\/json)/)

    // A Status error in protobuf: kubectl prints kube-apiserver's message from it.
    from = server.requests().length
    const again = await kubectl(['create', 'namespace', 'team'])
    expect(again.code).toBe(1)
    expect(again.stderr).toBe('Error from server (AlreadyExists): namespaces "team" already exists\n')
    expect(answers(from, (r) => r.method === 'POST')).toEqual([PROTOBUF])

    // The dynamic clients keep JSON: rollout status and wait watch the Deployment in JSON.
    from = server.requests().length
    expect(await ok(['rollout', 'status', 'deployment/web', ...ns, '--timeout=30s'])).toContain('deployment "web" successfully rolled out')
    expect(await ok(['wait', '--for=condition=Available', 'deployment/web', ...ns, '--timeout=30s'])).toBe('deployment.apps/web condition met\n')
    expect(new Set(answers(from, (r) => r.resource === 'deployments.apps'))).toEqual(new Set(['application/json']))

    // Lists and gets through typed clients: describe (the Deployment, its ReplicaSets, events),
    // rollout history (ReplicaSets), scale, auth can-i (a review) and create token.
    from = server.requests().length
    const described = await ok(['describe', 'deployment', 'web', ...ns])
    expect(described).toMatch(/^Name:\s+web\nNamespace:\s+team\n/)
    expect(described).toMatch(/Replicas:\s+2 desired \| 2 updated \| 2 total \| 2 available \| 0 unavailable/)
    expect(described).toMatch(/NewReplicaSet:\s+web-[0-9a-z]+ \(2\/2 replicas created\)/)
    expect(await ok(['rollout', 'history', 'deployment/web', ...ns])).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>/)
    expect(await ok(['scale', 'deployment/web', '--replicas=3', ...ns])).toBe('deployment.apps/web scaled\n')
    expect(await ok(['auth', 'can-i', 'create', 'deployments', ...ns])).toBe('yes\n')
    expect(await ok(['create', 'serviceaccount', 'deployer', ...ns])).toBe('serviceaccount/deployer created\n')
    expect((await ok(['create', 'token', 'deployer', ...ns])).trim().length).toBeGreaterThan(10)
    const typed = server
      .requests()
      .slice(from)
      .filter((r) => r.accept?.startsWith(PROTOBUF) === true)
    expect(typed.filter((r) => r.verb === 'list').length).toBeGreaterThanOrEqual(2)
    expect(new Set(typed.map((r) => r.answerContentType))).toEqual(new Set([PROTOBUF]))
    expect(new Set(typed.map((r) => r.resource))).toEqual(new Set(['deployments.apps', 'replicasets.apps', 'events', 'selfsubjectaccessreviews.authorization.k8s.io', 'serviceaccounts']))
    const scaled = await objectApi(server).read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'team' } })
    expect((scaled as { spec?: { replicas?: number } }).spec?.replicas).toBe(3)

    // A watch stream in protobuf: kubectl events --watch lists and then watches Events through its
    // typed client, and prints an event created meanwhile.
    const child = spawn(kubectlBin, ['--kubeconfig', join(kubectl.dir, 'kubeconfig'), '--cache-dir', join(kubectl.dir, 'cache'), 'events', '--watch', ...ns], {
      env: { PATH: process.env.PATH ?? '', HOME: kubectl.dir },
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    from = server.requests().length
    await eventually(() => server.requests().some((r) => r.verb === 'watch' && r.resource === 'events' && r.namespace === 'team') || undefined)
    await objectApi(server).create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web.1', namespace: 'team' },
      involvedObject: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'team' },
      reason: 'ScalingReplicaSet',
      message: 'Scaled up replica set web-1 to 3',
      type: 'Normal',
      count: 1,
      firstTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      lastTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      source: { component: 'deployment-controller' },
    } as never)
    await eventually(() => (out.includes('Scaled up replica set web-1 to 3') ? true : undefined))
    child.kill()
    await new Promise((resolve) => child.once('exit', resolve))
    expect(err).toBe('')
    expect(out).toMatch(/Normal\s+ScalingReplicaSet\s+Deployment\/web\s+Scaled up replica set web-1 to 3/)
    await eventually(() => answers(from, (r) => r.verb === 'watch' && r.resource === 'events')[0])
    expect(answers(from, (r) => r.verb === 'watch' && r.resource === 'events')).toEqual([`${PROTOBUF};stream=watch`])
  })
})
