// The Flux fleet of fluxFleet.int.test.ts: clusters/prod as `flux bootstrap` writes it, an
// infrastructure layer and an apps overlay with SOPS-encrypted objects and every per-object
// annotation of kustomize-controller. Generation 2 is the next commit.
import { encrypt } from '@gitops-sdk/secrets'

const yaml = (objects: readonly string[]): string => objects.join('---\n')
const configMap = (name: string, data: Record<string, string>, annotations: Record<string, string> = {}, extra = ''): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${
    Object.keys(annotations).length === 0 ? '' : `  annotations:\n${Object.entries(annotations).map(([k, v]) => `    ${k}: ${v}\n`).join('')}`
  }${extra}data:\n${Object.entries(data).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}\n`).join('')}`

/** clusters/prod/flux-system/gotk-sync.yaml for a repository URL. */
export function gotkSync(url: string): string {
  return yaml([
    `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  interval: 1m0s\n  ref:\n    branch: main\n  url: ${url}\n`,
    'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  interval: 10m0s\n  path: ./clusters/prod\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n',
  ])
}

const infrastructureKs = `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: infrastructure
  namespace: flux-system
spec:
  interval: 1h
  retryInterval: 1m
  timeout: 2m
  path: ./infrastructure
  prune: true
  wait: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`

const appsKs = `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  dependsOn:
  - name: infrastructure
  path: ./apps/prod
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
  decryption:
    provider: sops
    secretRef:
      name: sops-age
  postBuild:
    substitute:
      cluster_name: prod-eu
      env: production
    substituteFrom:
    - kind: ConfigMap
      name: cluster-vars
    - kind: Secret
      name: cluster-secrets
    - kind: ConfigMap
      name: not-there
      optional: true
`

const vaultCrd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: vaultsecrets.example.com
spec:
  group: example.com
  names: {kind: VaultSecret, listKind: VaultSecretList, plural: vaultsecrets, singular: vaultsecret}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
`

/** The annotation and label prefix of kustomize-controller. */
export const FLUX = 'kustomize.toolkit.fluxcd.io'

/** Every file of the fleet at commit `generation`, SOPS files encrypted to `recipient`. */
export async function fleetFiles(url: string, generation: 1 | 2, recipient: string): Promise<Record<string, string | null>> {
  const secret = (name: string, extra: string): string =>
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\ntype: Opaque\nstringData:\n  password: pw-\${cluster_name}\n  user: \${db_user}\n${extra}`
  const enc = (text: string, regex: string): Promise<string> => encrypt(text, { format: 'yaml', recipients: [recipient], rules: { encryptedRegex: regex } })
  const vault = `apiVersion: example.com/v1\nkind: VaultSecret\nmetadata:\n  name: vault\n  annotations:\n    ${FLUX}/decrypt: Disabled\nspec:\n  path: secret/data/app\n`
  const annotated = [
    configMap('override', { key: 'git' }, { [`${FLUX}/ssa`]: 'Override' }),
    configMap('merge', { key: 'git' }, { [`${FLUX}/ssa`]: 'Merge' }),
    configMap('if-not-present', { key: 'git' }, { [`${FLUX}/ssa`]: 'IfNotPresent' }),
    configMap('ignored', { key: 'git' }, { [`${FLUX}/ssa`]: 'Ignore' }),
    configMap('frozen', { key: 'git' }, { [`${FLUX}/reconcile`]: 'disabled' }),
    configMap('hands-off', { key: generation === 1 ? 'git-1' : 'git-2' }),
    configMap('literal', { cluster: '${cluster_name}' }, { [`${FLUX}/substitute`]: 'disabled' }),
    configMap('literal-label', { cluster: '${cluster_name}' }, {}, `  labels:\n    ${FLUX}/substitute: disabled\n`),
    configMap('pinned', { key: generation === 1 ? 'v1' : 'v2' }, { [`${FLUX}/force`]: 'Enabled' }, '').replace('\ndata:', '\nimmutable: true\ndata:'),
    configMap('settings', { cluster: '${cluster_name}', region: '${region}', env: '${env}', token: '${api_token}', tier: '${tier:=bronze}' }),
  ]
  if (generation === 1) annotated.push(configMap('kept', { key: 'git' }, { [`${FLUX}/prune`]: 'disabled' }), configMap('gone', { key: 'git' }))
  // The patch nulls an encrypted value of `api`: that object can then match no encrypted document
  // of the source, and is decrypted without a MAC check (lenient, as Flux).
  const patch = 'patches:\n- patch: |\n    apiVersion: v1\n    kind: Secret\n    metadata:\n      name: api\n    stringData:\n      user: null\n'
  return {
    'clusters/prod/flux-system/gotk-sync.yaml': gotkSync(url),
    'clusters/prod/flux-system/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- gotk-sync.yaml\n',
    'clusters/prod/infrastructure.yaml': infrastructureKs,
    'clusters/prod/apps.yaml': appsKs,
    'infrastructure/kustomization.yaml': 'resources:\n- namespace.yaml\n- vault-crd.yaml\n',
    'infrastructure/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n',
    'infrastructure/vault-crd.yaml': vaultCrd,
    'apps/base/kustomization.yaml': 'resources:\n- db.sops.yaml\n- api.sops.yaml\n- vault.sops.yaml\n- config.yaml\n',
    'apps/base/db.sops.yaml': await enc(secret('db', ''), '^(data|stringData)$'),
    'apps/base/api.sops.yaml': await enc(secret('api', ''), '^(data|stringData)$'),
    'apps/base/vault.sops.yaml': await enc(vault, '^spec$'),
    'apps/base/config.yaml': yaml(annotated),
    'apps/prod/kustomization.yaml': `namespace: apps\nlabels:\n- pairs:\n    env: prod\nresources:\n- ../base\n${patch}`,
  }
}

