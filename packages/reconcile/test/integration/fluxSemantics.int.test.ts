// Flux's semantics in the reconcile pipeline, end to end over git http-backend and the embedded
// apiserver (through createKubeClient, i.e. @kubernetes/client-node): build, then decrypt, then
// substitute; the SOPS MAC verified against the source when an overlay changed the object.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer } from '@gitops-sdk/apiserver'
import type { ApiServer } from '@gitops-sdk/apiserver'
import { createKubeClient } from '@gitops-sdk/apply'
import type { KubeClient } from '@gitops-sdk/apply'
import { createRepository, startGitServer } from '@gitops-sdk/git-source/testing'
import type { GitServer, TestRepository } from '@gitops-sdk/git-source/testing'
import { encrypt, generateIdentity, parseIdentities } from '@gitops-sdk/secrets'
import type { AgeIdentity } from '@gitops-sdk/secrets'
import { createReconcileSteps, kustomizationStatus, reconcile } from '../../src/index.js'
import type { ReconcileStepsOptions } from '../../src/index.js'

let dir: string
let apiserver: ApiServer
let gitServer: GitServer
let client: KubeClient
let identities: AgeIdentity[]
let recipient: string

const namespace = (name: string): string => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gitops-flux-semantics-'))
  gitServer = await startGitServer({ root: join(dir, 'repos') })
  apiserver = await startApiServer({ controllers: 'ready', readyDelayMs: 10 })
  client = await createKubeClient({ kubeconfigYaml: apiserver.kubeconfigYaml() })
  const key = await generateIdentity()
  identities = await parseIdentities(key.secretKey)
  recipient = key.recipient
})

afterAll(async () => {
  await gitServer.stop()
  await apiserver.stop()
  rmSync(dir, { recursive: true, force: true })
})

async function repository(name: string, files: Record<string, string>): Promise<TestRepository> {
  const repo = await createRepository(join(dir, 'repos'), { name })
  await repo.commit(files, { message: name })
  return repo
}

function steps(name: string, extra: Partial<ReconcileStepsOptions> = {}): ReturnType<typeof createReconcileSteps> {
  return createReconcileSteps({ source: { url: `${gitServer.url}/${name}` }, client, inventory: { namespace: 'default', name }, identities, ...extra })
}

/** A Secret encrypted as Flux's docs say (`--encrypted-regex '^(data|stringData)$'`): the MAC covers its plaintext fields too. */
async function encryptedSecret(ns: string | undefined): Promise<string> {
  const metadata = ns === undefined ? '' : `  namespace: ${ns}\n`
  const plain = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n${metadata}  annotations:\n    cluster: \${cluster_name}\nstringData:\n  password: pw-\${cluster_name}\n  user: admin\n`
  return encrypt(plain, { format: 'yaml', recipients: [recipient], rules: { encryptedRegex: '^(data|stringData)$' } })
}

describe('reconcile with Flux semantics', () => {
  it('decrypts before it substitutes: a variable inside an encrypted value is filled, one in a plaintext field keeps the MAC', async () => {
    // No transformer touches the Secret, so its own MAC must hold after the build: only the order
    // (substitution after decryption) lets it.
    await repository('order', { 'app/kustomization.yaml': 'resources:\n- ns.yaml\n- db.sops.yaml\n', 'app/ns.yaml': namespace('order'), 'app/db.sops.yaml': await encryptedSecret('order') })
    const { status } = await reconcile({ name: 'order', path: 'app' }, steps('order', { substitute: { variables: { cluster_name: 'prod' } } }))
    expect(status.failure).toBeUndefined()
    expect(status.unverifiedDecryptions).toEqual([])
    const secret = await client.get({ group: '', version: 'v1', kind: 'Secret', namespace: 'order', name: 'db' })
    expect(secret?.metadata.annotations?.cluster).toBe('prod')
    const data = secret?.data as Record<string, string>
    expect(Buffer.from(data.password ?? '', 'base64').toString()).toBe('pw-prod')
  })

  it('verifies an encrypted Secret an overlay moves into a namespace and labels against the file in the source', async () => {
    const files = {
      'base/kustomization.yaml': 'resources:\n- db.sops.yaml\n',
      'base/db.sops.yaml': await encryptedSecret(undefined),
      'prod/kustomization.yaml': 'namespace: overlay\nlabels:\n- pairs:\n    env: prod\nresources:\n- ns.yaml\n- ../base\n',
      'prod/ns.yaml': namespace('overlay'),
    }
    await repository('overlay', files)
    for (const integrity of ['strict', 'lenient'] as const) {
      const warnings: string[] = []
      const s = steps('overlay', { substitute: { variables: { cluster_name: 'prod' } }, decryption: { integrity }, onWarning: (w) => warnings.push(w) })
      const { status } = await reconcile({ name: 'overlay', path: 'prod' }, s)
      expect([integrity, status.failure]).toEqual([integrity, undefined])
      expect(status.unverifiedDecryptions).toEqual([])
      expect(warnings).toEqual([])
    }
    const secret = await client.get({ group: '', version: 'v1', kind: 'Secret', namespace: 'overlay', name: 'db' })
    expect(secret?.metadata.labels?.env).toBe('prod')
    expect(Buffer.from((secret?.data as Record<string, string>).password ?? '', 'base64').toString()).toBe('pw-prod')
  })

  it('reports a Secret whose encrypted values an overlay changed; strict integrity fails naming it and applies nothing', async () => {
    const patch = 'patches:\n- patch: |\n    apiVersion: v1\n    kind: Secret\n    metadata:\n      name: db\n    stringData:\n      user: null\n'
    const files = {
      'base/kustomization.yaml': 'resources:\n- db.sops.yaml\n',
      'base/db.sops.yaml': await encryptedSecret(undefined),
      'prod/kustomization.yaml': `namespace: patched\nresources:\n- ns.yaml\n- ../base\n${patch}`,
      'prod/ns.yaml': namespace('patched'),
    }
    await repository('patched', files)
    const strict = await reconcile({ name: 'patched', path: 'prod' }, steps('patched', { substitute: { variables: { cluster_name: 'x' } }, decryption: { integrity: 'strict' } }))
    expect(strict.status.failure).toMatchObject({ phase: 'decrypt', code: 'SOPS_MAC_MISMATCH', message: expect.stringMatching(/^Secret\/patched\/db: /) as unknown })
    expect(strict.status.conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'DecryptionFailed' })
    expect(await client.get({ group: '', version: 'v1', kind: 'Namespace', namespace: '', name: 'patched' })).toBeUndefined()

    const warnings: string[] = []
    const events: string[] = []
    const lenient = await reconcile(
      { name: 'patched', path: 'prod' },
      steps('patched', { substitute: { variables: { cluster_name: 'x' } }, onWarning: (w) => warnings.push(w) }),
      { onEvent: (e) => events.push(e.type) },
    )
    expect(lenient.status.failure).toBeUndefined()
    expect(lenient.status.unverifiedDecryptions).toEqual([{ group: '', kind: 'Secret', namespace: 'patched', name: 'db' }])
    expect(warnings).toEqual([expect.stringMatching(/^Secret\/patched\/db: decrypted without a MAC check/) as unknown])
    expect(events).toContain('unverified-decryption')
    expect(JSON.stringify(lenient.status)).not.toContain('pw-x')
  })

  it('reads substituteFrom ConfigMaps and Secrets from the cluster in order, then the inline variables win; strict fails on an unset variable', async () => {
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'vars' } }, { fieldManager: 'test' })
    await client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cluster-vars', namespace: 'vars' }, data: { region: 'eu-1', tier: 'from-configmap', who: 'configmap' } }, { fieldManager: 'test' })
    const secretData = { token: Buffer.from('t0k3n-value\n').toString('base64'), tier: Buffer.from('from-secret').toString('base64') }
    await client.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cluster-secrets', namespace: 'vars' }, data: secretData }, { fieldManager: 'test' })
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: vars\ndata:\n  region: ${region}\n  tier: ${tier}\n  who: ${who}\n  token: ${token}\n  fallback: ${missing:=dflt}\n'
    await repository('vars', { 'app/cm.yaml': cm, 'app/kept.yaml': cm.replace('name: app', 'name: kept').replace('metadata:\n', 'metadata:\n  labels:\n    kustomize.toolkit.fluxcd.io/substitute: disabled\n') })
    const substituteFrom = [
      { kind: 'ConfigMap' as const, name: 'cluster-vars' },
      { kind: 'Secret' as const, name: 'cluster-secrets' },
      { kind: 'ConfigMap' as const, name: 'not-there', optional: true },
    ]
    const { status } = await reconcile({ name: 'vars', path: 'app' }, steps('vars', { substitute: { substituteFrom, namespace: 'vars', variables: { who: 'inline' } } }))
    expect(status.failure).toBeUndefined()
    const app = await client.get({ group: '', version: 'v1', kind: 'ConfigMap', namespace: 'vars', name: 'app' })
    expect(app?.data).toEqual({ region: 'eu-1', tier: 'from-secret', who: 'inline', token: 't0k3n-value', fallback: 'dflt' })
    const kept = await client.get({ group: '', version: 'v1', kind: 'ConfigMap', namespace: 'vars', name: 'kept' })
    expect((kept?.data as Record<string, string>).region).toBe('${region}')

    await repository('vars-strict', { 'app/cm.yaml': cm.replace('name: app', 'name: strict').replace('${who}', '${nowhere}') })
    const strict = await reconcile({ name: 'vars-strict', path: 'app' }, steps('vars-strict', { substitute: { substituteFrom, namespace: 'vars', strict: true } }))
    expect(strict.status.failure).toMatchObject({ phase: 'substitute', code: 'RENDER_SUBSTITUTE_FAILED', message: expect.stringMatching(/^ConfigMap\/vars\/strict: .*nowhere/) as unknown })
    expect(strict.status.conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'BuildFailed' })
    expect(await client.get({ group: '', version: 'v1', kind: 'ConfigMap', namespace: 'vars', name: 'strict' })).toBeUndefined()

    const missing = await reconcile(
      { name: 'vars-strict', path: 'app' },
      steps('vars-strict', { substitute: { substituteFrom: [{ kind: 'Secret', name: 'absent' }], namespace: 'vars' } }),
    )
    expect(missing.status.failure).toMatchObject({ code: 'RECONCILE_SUBSTITUTE_FROM_NOT_FOUND', message: expect.stringMatching(/^Secret\/vars\/absent: /) as unknown })
    expect(await client.get({ group: '', version: 'v1', kind: 'ConfigMap', namespace: 'vars', name: 'strict' })).toBeUndefined()
    expect(JSON.stringify([status, strict.status, missing.status])).not.toContain('t0k3n')
  })

  it('waits for healthChecks and writes the outcome as a Flux Kustomization status that the schema of Flux accepts', async () => {
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'health' } }, { fieldManager: 'test' })
    await client.create(
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'db', namespace: 'health' }, spec: { replicas: 1, selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'db:1' }] } } } },
      { fieldManager: 'test' },
    )
    await repository('health', { 'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: health\n' })
    const db = { group: 'apps', kind: 'Deployment', namespace: 'health', name: 'db' }
    const ok = await reconcile({ name: 'health', path: 'app', healthChecks: [db] }, steps('health'))
    expect(ok.status.failure).toBeUndefined()
    const absent = { ...db, name: 'absent' }
    const failed = await reconcile({ name: 'health', path: 'app', healthChecks: [absent], timeout: 3000 }, steps('health'))
    expect(failed.status.failure).toMatchObject({ phase: 'wait' })
    const status = kustomizationStatus(failed.status, { previous: kustomizationStatus(ok.status, { generation: 1, healthChecked: true }), generation: 2, healthChecked: true })
    expect(status.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Ready', 'False', 'HealthCheckFailed'],
      ['Healthy', 'False', 'HealthCheckFailed'],
      ['Reconciling', 'True', 'ProgressingWithRetry'],
    ])
    expect(status.observedGeneration).toBe(1)
    expect(status.inventory).toEqual({ entries: [{ id: 'health_app__ConfigMap', v: 'v1' }] })
    // The status fits the schema of Flux's Kustomization (what the apiserver checks on a status update).
    const { validateFluxObject } = await import('@gitops-sdk/flux')
    const k = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'health', namespace: 'health' }, spec: { interval: '5m', prune: true, sourceRef: { kind: 'GitRepository', name: 'health' } }, status }
    expect(validateFluxObject('Kustomization', k)).toEqual([])
  })

  it('reconciles a Kustomization v1 spec mapped field by field: build settings, postBuild, decryption keys from its Secret', async () => {
    const { kustomizationReconcile } = await import('../../src/index.js')
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-ks' } }, { fieldManager: 'test' })
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tenant' } }, { fieldManager: 'test' })
    const key = await generateIdentity()
    const keyData = { 'age.agekey': Buffer.from(key.secretKey).toString('base64') }
    await client.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sops-age', namespace: 'flux-ks' }, data: keyData }, { fieldManager: 'test' })
    await client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'vars', namespace: 'flux-ks' }, data: { tier: 'gold' } }, { fieldManager: 'test' })
    const plainSecret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\nstringData:\n  password: pw-${tier}\n'
    const deployment = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.0\n        env:\n        - name: TIER\n          value: ${tier}\n'
    const files = {
      // A plain directory (no kustomization.yaml): Flux generates one listing every YAML file below it.
      'apps/web/deploy.yaml': deployment,
      'apps/creds.sops.yaml': await encrypt(plainSecret, { format: 'yaml', recipients: [key.recipient], rules: { encryptedRegex: '^(data|stringData)$' } }),
    }
    await repository('ks', files)
    const k = {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1' as const,
      kind: 'Kustomization' as const,
      metadata: { name: 'apps', namespace: 'flux-ks' },
      spec: {
        interval: '10m',
        retryInterval: '1m',
        timeout: '2m',
        path: './apps',
        prune: true,
        sourceRef: { kind: 'GitRepository' as const, name: 'ks' },
        targetNamespace: 'tenant',
        namePrefix: 'p-',
        images: [{ name: 'nginx', newTag: '1.27' }],
        patches: [{ patch: '- op: replace\n  path: /spec/replicas\n  value: 2\n', target: { kind: 'Deployment' } }],
        commonMetadata: { labels: { team: 'a' } },
        postBuild: { substitute: { extra: 'x' }, substituteFrom: [{ kind: 'ConfigMap' as const, name: 'vars' }] },
        decryption: { provider: 'sops' as const, secretRef: { name: 'sops-age' } },
        dependsOn: [{ name: 'infra' }],
      },
    }
    const resolved: string[] = []
    const mapped = await kustomizationReconcile(k, {
      client,
      resolveSource: async (ref) => {
        resolved.push(`${ref.kind}/${ref.namespace}/${ref.name}`)
        return { url: `${gitServer.url}/${ref.name}` }
      },
    })
    expect(resolved).toEqual(['GitRepository/flux-ks/ks'])
    expect(mapped).toMatchObject({ interval: 600_000, retryInterval: 60_000, dependsOn: ['flux-ks/infra'], deletionPolicy: 'MirrorPrune', spec: { name: 'apps', path: './apps', prune: true, timeout: 120_000 } })
    const { status } = await reconcile(mapped.spec, createReconcileSteps(mapped.steps))
    expect(status.failure).toBeUndefined()
    const web = await client.get({ group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'tenant', name: 'p-web' })
    expect(web?.metadata.labels?.team).toBe('a')
    const spec = web?.spec as { replicas: number; template: { spec: { containers: { image: string; env: { value: string }[] }[] } } }
    expect(spec.replicas).toBe(2)
    expect(spec.template.spec.containers[0]?.image).toBe('nginx:1.27')
    expect(spec.template.spec.containers[0]?.env[0]?.value).toBe('gold')
    const creds = await client.get({ group: '', version: 'v1', kind: 'Secret', namespace: 'tenant', name: 'p-creds' })
    expect(Buffer.from((creds?.data as Record<string, string>).password ?? '', 'base64').toString()).toBe('pw-gold')
    // The prefix, namespace and label changed the encrypted Secret; its values were verified against the source file.
    expect(status.unverifiedDecryptions).toEqual([])
  })
})
