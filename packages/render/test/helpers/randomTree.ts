// Random kustomize trees for the differential test against kubectl kustomize: a base with random
// workloads and the objects they refer to, optional intermediate bases, components and an
// overlay, each using a random mix of kustomization fields. Seeded, so that a failure replays.

import { prng } from '../../../../testing/prng.js'
import { Gen, TRICKY, appObjects, quote } from './randomApp.js'
import type { App } from './randomApp.js'

function generatorYaml(g: Gen, name: string, behavior?: string): string {
  const lines = [`- name: ${name}`]
  if (behavior !== undefined) lines.push(`  behavior: ${behavior}`)
  lines.push('  literals:', `  - password=p${g.int(100)}`)
  for (const l of g.some(['a=1', 'b=yes', 'c="quoted"', 'd=multi word', 'e=007', 'f=é'], 4)) lines.push(`  - ${quote(l)}`)
  const disable = g.chance(0.3)
  const labels = g.chance(0.3)
  if (disable || labels) lines.push('  options:')
  if (disable) lines.push('    disableNameSuffixHash: true')
  if (labels) lines.push('    labels:', `      gen: "1"`)
  return `${lines.join('\n')}\n`
}

export interface Tree {
  readonly files: Record<string, string>
  /** The directory to build. */
  readonly root: string
}

/** A random tree: `base/`, optional `mid/`, an optional component and `overlay/` (the root). */
export function randomTree(seed: number): Tree {
  const g = new Gen(prng(seed))
  const files: Record<string, string> = {}
  const apps: App[] = []
  const n = 1 + g.int(3)
  for (let i = 0; i < n; i++) {
    const name = `app${i}`
    apps.push({ name, cm: `${name}-cm`, secret: `${name}-secret`, sa: `${name}-sa`, pvc: `${name}-data`, kind: g.pick(['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob'] as const) })
  }
  const baseResources: string[] = []
  for (const app of apps) {
    for (const [f, text] of Object.entries(appObjects(g, app))) {
      files[`base/${f}`] = text
      baseResources.push(f)
    }
  }
  files['base/app.env'] = 'LOG=info\n# comment\nEMPTY=\nQUOTED="x"\n'
  const base: string[] = ['resources:', ...baseResources.map((r) => `- ${r}`)]
  base.push('configMapGenerator:')
  for (const app of apps) base.push(generatorYaml(g, app.cm).trimEnd())
  if (g.chance(0.5)) base.push(`- name: extra\n  envs:\n  - app.env`)
  base.push('secretGenerator:')
  for (const app of apps) base.push(generatorYaml(g, app.secret).trimEnd())
  if (g.chance(0.5)) base.push(`namePrefix: b-`)
  if (g.chance(0.3)) base.push(`commonLabels:\n  base: "true"`)
  if (g.chance(0.3)) base.push(`commonAnnotations:\n  owner: ${quote(g.pick(TRICKY))}`)
  if (g.chance(0.3)) {
    base.push(`vars:\n- name: POD_NAME\n  objref:\n    apiVersion: v1\n    kind: Service\n    name: ${apps[0]?.name ?? 'app0'}`)
  }
  files['base/kustomization.yaml'] = `${base.join('\n')}\n`
  let below = '../base'
  if (g.chance(0.5)) {
    const mid = [`resources:\n- ../base`]
    if (g.chance(0.6)) mid.push(`namespace: ${g.pick(['team-a', 'default', 'mid'])}`)
    if (g.chance(0.5)) mid.push(`nameSuffix: -m`)
    if (g.chance(0.5)) mid.push(`labels:\n- pairs:\n    mid: "yes"\n  includeSelectors: ${g.chance(0.5)}\n  includeTemplates: ${g.chance(0.5)}`)
    if (g.chance(0.5)) mid.push(`configMapGenerator:\n${generatorYaml(g, apps[0]?.cm ?? 'app0-cm', 'merge').trimEnd()}`)
    files['mid/kustomization.yaml'] = `${mid.join('\n')}\n`
    below = '../mid'
  }
  const overlay: string[] = [`resources:\n- ${below}`]
  if (g.chance(0.4)) {
    files['component/kustomization.yaml'] = `apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
labels:
- pairs:
    component: "on"
patches:
- target:
    kind: ${g.pick(['Deployment', 'StatefulSet', 'Service'])}
  patch: |-
    - op: add
      path: /metadata/annotations
      value:
        component: added
`
    overlay.push(`components:\n- ../component`)
  }
  if (g.chance(0.6)) overlay.push(`namespace: ${g.pick(['prod', 'default', 'team-b'])}`)
  if (g.chance(0.5)) overlay.push(`namePrefix: ${g.pick(['prod-', 'o-'])}`)
  if (g.chance(0.3)) overlay.push(`nameSuffix: -v1`)
  if (g.chance(0.5)) overlay.push(`commonLabels:\n  env: ${quote(g.pick(['prod', '1', 'yes']))}`)
  if (g.chance(0.4)) overlay.push(`images:\n- name: nginx\n  newTag: ${quote(g.pick(['1.25', 'latest', '2']))}\n- name: busybox\n  newName: registry.example.com/busybox\n  digest: sha256:ffff`)
  const patches: string[] = []
  const app0 = apps[0] as App
  const workloadApps = apps.filter((a) => a.kind !== 'CronJob')
  if (workloadApps.length > 0 && g.chance(0.7)) {
    const a = g.pick(workloadApps)
    const base = a.name.startsWith('b-') ? a.name : a.name
    files['overlay/sm.yaml'] = `apiVersion: apps/v1
kind: ${a.kind}
metadata:
  name: ${base}
spec:
  template:
    spec:
      containers:
      - name: main
        env:
        - name: ADDED
          value: ${quote(g.pick(TRICKY))}
        ports:
        - containerPort: 8080
          name: http
      - name: ${g.pick(['sidecar', 'new'])}
        image: ${g.pick(['alpine', 'alpine:3'])}
`
    patches.push(`- target:\n    kind: ${a.kind}\n    name: ${g.pick(['.*', `.*${a.name}.*`, a.name])}\n  path: sm.yaml`)
  }
  if (g.chance(0.6)) {
    patches.push(`- target:\n    kind: Service\n    labelSelector: ${g.pick(['env', '!missing', 'app in (x,y)'])}\n  patch: |-\n    - op: replace\n      path: /spec/ports/0/port\n      value: ${g.pick(['8080', '"8080"'])}`)
  }
  if (g.chance(0.5)) {
    patches.push(`- target:\n    kind: ConfigMap\n  patch: |-\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: any\n    data:\n      patched: ${quote(g.pick(TRICKY))}`)
  }
  if (g.chance(0.4)) patches.push(`- target:\n    kind: PersistentVolumeClaim\n  patch: |-\n    - op: remove\n      path: /spec/accessModes`)
  if (patches.length > 0) overlay.push(`patches:\n${patches.join('\n')}`)
  if (workloadApps.length > 0 && g.chance(0.4)) {
    const a = g.pick(workloadApps.filter((x) => x.kind !== 'DaemonSet').concat(workloadApps).slice(0, 1))
    if (a.kind !== 'DaemonSet') overlay.push(`replicas:\n- name: ${a.name}\n  count: ${g.int(9)}`)
  }
  if (g.chance(0.4)) {
    overlay.push(`replacements:
- source:
    kind: Service
    name: ${app0.name}
    fieldPath: metadata.name
  targets:
  - select:
      kind: ConfigMap
    fieldPaths:
    - data.service
    options:
      create: true`)
  }
  if (g.chance(0.4)) {
    files['overlay/delete.yaml'] = g.chance(0.5)
      ? `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${app0.name}\n$patch: delete\n`
      : `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${app0.sa}\nimagePullSecrets:\n- name: regcred\nautomountServiceAccountToken: false\n`
    overlay.push(`patchesStrategicMerge:\n- delete.yaml`)
  }
  if (g.chance(0.4)) {
    overlay.push(`patchesJson6902:
- target:
    version: v1
    kind: Service
    name: ${app0.name}
  patch: |-
    - op: ${g.pick(['add', 'replace'])}
      path: /spec/type
      value: NodePort
    - op: copy
      from: /spec/ports/0/port
      path: /spec/ports/0/nodePort
    - op: test
      path: /spec/type
      value: NodePort`)
  }
  if (g.chance(0.3)) overlay.push(`commonAnnotations:\n  team: ${quote(g.pick(TRICKY))}`)
  if (g.chance(0.3)) {
    files['overlay/widget.yaml'] = `apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  configMap: ${app0.cm}\n  items:\n  - name: a\n  - name: b\n`
    files['overlay/config.yaml'] = `nameReference:\n- kind: ConfigMap\n  version: v1\n  fieldSpecs:\n  - kind: Widget\n    path: spec/configMap\nnamePrefix:\n- kind: Widget\n  path: spec/items/name\n`
    overlay.push(`configurations:\n- config.yaml`)
    const i = overlay.findIndex((l) => l.startsWith('resources:'))
    overlay[i] = `${overlay[i] as string}\n- widget.yaml`
  }
  if (g.chance(0.3)) {
    overlay.push(`replacements:
- source:
    kind: ConfigMap
    name: ${app0.cm}
    fieldPath: metadata.name
    options:
      delimiter: "-"
      index: 0
  targets:
  - select:
      kind: Service
    fieldPaths:
    - metadata.labels.from
    options:
      create: true
      delimiter: "."
      index: 1`)
  }
  if (g.chance(0.3)) overlay.push(`secretGenerator:\n${generatorYaml(g, 'overlay-secret').trimEnd()}`)
  if (g.chance(0.2)) overlay.push(`sortOptions:\n  order: ${g.pick(['fifo', 'legacy'])}`)
  files['overlay/kustomization.yaml'] = `${overlay.join('\n')}\n`
  return { files, root: 'overlay' }
}
