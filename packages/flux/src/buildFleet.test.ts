import { describe, expect, it } from 'vitest'
import { memoryFs, stringifyObjects } from '@gitops-sdk/core'
import type { KubeObject } from '@gitops-sdk/core'
import { encrypt, generateIdentity, parseIdentities } from '@gitops-sdk/secrets'
import { buildFleet } from './buildFleet.js'

const gotkSync = `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: flux-system, namespace: flux-system}
spec:
  interval: 1m0s
  ref: {branch: main}
  secretRef: {name: flux-system}
  url: ssh://git@example.com/fleet
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: flux-system, namespace: flux-system}
spec:
  interval: 10m0s
  path: ./clusters/prod
  prune: true
  sourceRef: {kind: GitRepository, name: flux-system}
  postBuild:
    substitute: {cluster_env: prod}
`

const infrastructure = `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: infrastructure, namespace: flux-system}
spec:
  interval: 1h
  path: ./infrastructure
  prune: true
  sourceRef: {kind: GitRepository, name: flux-system}
`

const apps = `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec:
  dependsOn: [{name: infrastructure}]
  interval: 10m
  path: ./apps/\${cluster_env}
  prune: true
  sourceRef: {kind: GitRepository, name: flux-system}
  targetNamespace: apps
  commonMetadata:
    labels: {team: web}
  images:
    - {name: ghcr.io/example/podinfo, newTag: 6.7.0}
  patches:
    - patch: |
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: any
          annotations: {patched: "yes"}
      target: {kind: ConfigMap}
  decryption:
    provider: sops
    secretRef: {name: sops-age}
  postBuild:
    substitute: {cluster_env: prod}
    substituteFrom:
      - {kind: ConfigMap, name: cluster-settings}
      - {kind: Secret, name: not-rendered, optional: true}
`

const helmRelease = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: podinfo, namespace: apps}
spec:
  interval: 10m
  chart: {spec: {chart: podinfo, sourceRef: {kind: HelmRepository, name: podinfo}}}
`

async function fleet(): Promise<{ fs: ReturnType<typeof memoryFs>; secretKey: string }> {
  const { secretKey, recipient } = await generateIdentity()
  const secret = await encrypt(
    new TextEncoder().encode('apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData:\n  password: pw-${cluster_env}\n'),
    { format: 'yaml', recipients: [recipient], rules: { encryptedRegex: '^(data|stringData)$', macOnlyEncrypted: true } },
  )
  const fs = memoryFs({
    'clusters/prod/flux-system/gotk-sync.yaml': gotkSync,
    'clusters/prod/flux-system/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [gotk-sync.yaml]\n',
    'clusters/prod/infrastructure.yaml': infrastructure,
    // Kustomizations listed apps first: the build must still put infrastructure first.
    'clusters/prod/apps.yaml': apps,
    'clusters/prod/podinfo-release.yaml': helmRelease,
    'infrastructure/settings.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cluster-settings, namespace: flux-system}\ndata: {replicas: "3", domain: example.com}\n',
    'infrastructure/namespaces/apps.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: apps}\n',
    'apps/base/kustomization.yaml': 'resources: [deployment.yaml, settings.yaml]\n',
    'apps/base/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: {name: podinfo}
spec:
  replicas: \${replicas}
  selector: {matchLabels: {app: podinfo}}
  template:
    metadata: {labels: {app: podinfo}}
    spec:
      containers: [{name: podinfo, image: ghcr.io/example/podinfo:6.0.0}]
`,
    'apps/base/settings.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\ndata: {host: "web.${domain}", env: "${cluster_env}", tier: "${tier:=frontend}"}\n',
    'apps/prod/kustomization.yaml': 'resources: [../base, secret.enc.yaml]\n',
    'apps/prod/secret.enc.yaml': secret,
  })
  return { fs, secretKey }
}

const find = (objects: readonly KubeObject[], kind: string, name: string): KubeObject => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name)
  if (o === undefined) throw new Error(`${kind}/${name} not built`)
  return o
}

describe('buildFleet', () => {
  it('builds every Kustomization of the cluster directory as Flux would, dependencies first', async () => {
    const { fs, secretKey } = await fleet()
    const result = await buildFleet('.', { fs, identities: await parseIdentities(secretKey) })
    expect(result.path).toBe('clusters/prod')
    expect(result.kustomizations.map((k) => [k.kustomization, k.path])).toEqual([
      ['flux-system/flux-system', 'clusters/prod'],
      ['flux-system/infrastructure', 'infrastructure'],
      ['flux-system/apps', 'apps/prod'],
    ])
    expect(result.problems).toEqual([
      expect.objectContaining({ type: 'unsupported', ref: expect.objectContaining({ kind: 'HelmRelease', name: 'podinfo' }) as unknown }),
    ])
  })

  it('generates a kustomization for a plain directory, recursively', async () => {
    const { fs, secretKey } = await fleet()
    const infra = (await buildFleet('.', { fs, identities: await parseIdentities(secretKey) })).kustomizations[1]!
    expect(infra.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Namespace/apps', 'ConfigMap/cluster-settings'])
  })

  it('decrypts, then substitutes (substituteFrom first, inline substitute wins), then adds commonMetadata and Flux\'s labels', async () => {
    const { fs, secretKey } = await fleet()
    const appsBuild = (await buildFleet('.', { fs, identities: await parseIdentities(secretKey) })).kustomizations[2]!
    expect(appsBuild.unresolved).toEqual([])
    const secret = find(appsBuild.objects, 'Secret', 'db')
    expect(secret.stringData).toEqual({ password: 'pw-prod' })
    expect(secret.sops).toBeUndefined()
    expect(secret.metadata.namespace).toBe('apps')
    const deployment = find(appsBuild.objects, 'Deployment', 'podinfo')
    expect(stringifyObjects([deployment])).toContain('replicas: 3\n')
    expect(stringifyObjects([deployment])).toContain('image: ghcr.io/example/podinfo:6.7.0')
    expect(deployment.metadata.labels).toEqual({
      team: 'web',
      'kustomize.toolkit.fluxcd.io/name': 'apps',
      'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
    })
    const web = find(appsBuild.objects, 'ConfigMap', 'web')
    expect(web.data).toEqual({ host: 'web.example.com', env: 'prod', tier: 'frontend' })
    expect(web.metadata.annotations).toEqual({ patched: 'yes' })
  })

  it('reports a substituteFrom the fleet does not render, and a source it cannot reach, without stopping', async () => {
    const { secretKey } = await fleet()
    const broken = memoryFs({
      'clusters/staging/flux-system/gotk-sync.yaml': gotkSync.replace('./clusters/prod', './clusters/staging'),
      'clusters/staging/apps.yaml': apps.replace('name: cluster-settings', 'name: missing-settings').replace('dependsOn: [{name: infrastructure}]', 'dependsOn: []'),
      'clusters/staging/other.yaml': infrastructure.replace('name: infrastructure', 'name: other').replace('name: flux-system}', 'name: other-repo}'),
      'apps/prod/kustomization.yaml': 'resources: [cm.yaml]\n',
      'apps/prod/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: "${replicas:=1}"}\n',
    })
    const result = await buildFleet('.', { fs: broken, identities: await parseIdentities(secretKey) })
    const appsBuild = result.kustomizations.find((k) => k.kustomization === 'flux-system/apps')!
    expect(appsBuild.unresolved).toEqual(['ConfigMap/flux-system/missing-settings'])
    expect(result.problems.map((p) => p.type)).toEqual(['unavailable'])
    expect(result.problems[0]?.message).toContain('GitRepository/flux-system/other-repo')
  })

  it('fails a Kustomization whose SOPS data cannot be decrypted, not the fleet, and never shows ciphertext as plaintext', async () => {
    const { fs } = await fleet()
    const result = await buildFleet('.', { fs })
    expect(result.kustomizations.map((k) => k.kustomization)).toEqual(['flux-system/flux-system', 'flux-system/infrastructure'])
    expect(result.problems.find((p) => p.type === 'failed')?.message).toMatch(/^Kustomization\/flux-system\/apps: /)
  })

  it('checks the MAC at the source as the reconcile does: an overlay namespace and labels pass, a patched value is unverified or, strict, fails', async () => {
    const { secretKey, recipient } = await generateIdentity()
    // Encrypted as Flux's docs say: the MAC covers the plaintext fields too (no macOnlyEncrypted).
    const plain = 'apiVersion: v1\nkind: Secret\nmetadata: {name: NAME}\nstringData:\n  password: pw-${cluster_env}\n  user: admin\n'
    const enc = (name: string): Promise<string> => encrypt(plain.replace('NAME', name), { format: 'yaml', recipients: [recipient], rules: { encryptedRegex: '^(data|stringData)$' } })
    const { fs: base } = await fleet()
    const files: Record<string, string> = {}
    for (const path of ['clusters/prod/flux-system/gotk-sync.yaml', 'clusters/prod/flux-system/kustomization.yaml', 'clusters/prod/infrastructure.yaml', 'clusters/prod/apps.yaml']) {
      files[path] = new TextDecoder().decode(await base.readFile(path))
    }
    files['infrastructure/settings.yaml'] = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cluster-settings, namespace: flux-system}\ndata: {replicas: "3", domain: example.com}\n'
    files['apps/base/kustomization.yaml'] = 'resources: [db.sops.yaml, api.sops.yaml]\n'
    files['apps/base/db.sops.yaml'] = await enc('db')
    files['apps/base/api.sops.yaml'] = await enc('api')
    files['apps/prod/kustomization.yaml'] = 'labels:\n- pairs: {env: prod}\nresources: [../base]\npatches:\n- patch: |\n    apiVersion: v1\n    kind: Secret\n    metadata: {name: api}\n    stringData: {user: null}\n'
    const identities = await parseIdentities(secretKey)
    const lenient = await buildFleet('.', { fs: memoryFs(files), identities })
    expect(lenient.problems).toEqual([])
    const appsBuild = lenient.kustomizations.find((k) => k.kustomization === 'flux-system/apps')
    expect(appsBuild?.unverifiedDecryptions).toEqual([{ group: '', kind: 'Secret', namespace: 'apps', name: 'api' }])
    const db = find(appsBuild?.objects ?? [], 'Secret', 'db')
    expect([db.metadata.namespace, db.metadata.labels?.env, (db.stringData as Record<string, string>).password]).toEqual(['apps', 'prod', 'pw-prod'])
    const strict = await buildFleet('.', { fs: memoryFs(files), identities, integrity: 'strict' })
    expect(strict.problems.map((p) => [p.type, p.message])).toEqual([['failed', expect.stringMatching(/^Kustomization\/flux-system\/apps: Secret\/apps\/api: MAC mismatch after the build/) as unknown]])
  })

  it('refuses a repository with no cluster directory, naming it', async () => {
    await expect(buildFleet('.', { fs: memoryFs({ 'README.md': 'x' }) })).rejects.toMatchObject({ code: 'FLUX_FLEET_INVALID' })
  })
})
