// How `helm template` turns rendered files into its output (helm v4 pkg/release/util): split each
// file into YAML documents, read each document's kind, sort by Helm's install order (stable), and
// print `---\n# Source: <file>\n<document>\n`.
import type { GoValue } from './template/values.js'
import { quickHead } from './manifestHead.js'
import { parseYamlValue } from './yamlValues.js'

/** Helm's InstallOrder of kinds; unknown kinds come last, alphabetically. */
export const INSTALL_ORDER: readonly string[] = [
  'PriorityClass',
  'Namespace',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodSecurityPolicy',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'SecretList',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleList',
  'ClusterRoleBinding',
  'ClusterRoleBindingList',
  'Role',
  'RoleList',
  'RoleBinding',
  'RoleBindingList',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
  'APIService',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
]

/** One document of the output. */
export interface Manifest {
  /** The template file it came from (`chart/templates/x.yaml`). */
  readonly source: string
  readonly content: string
  readonly kind: string
  /** Whether it carries `helm.sh/hook` (printed after the others). */
  readonly hook: boolean
}

/** A rendered document is not YAML; the message names the file as helm does. */
export class ManifestError extends Error {}

/** Helm's SplitManifests: documents separated by `---` lines, trimmed, empty ones dropped. */
export function splitManifests(text: string): string[] {
  // A separator's white space begins where a run of white space begins (the lookbehind): the same
  // splits, where `\s*\n` tried from every position of a run backtracked quadratically (a template
  // printing 100,000 spaces took seconds).
  const docs = text.trim().split(/(?:^|(?<!\s)\s*\n)---\s*/)
  return docs.filter((d) => d !== '').map((d) => d.trim())
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** go-yaml's wording for the parse errors templates commonly produce. */
function goYamlMessage(err: unknown): string {
  // A reader's message that already says what sigs.k8s.io/yaml says is given as it is.
  const text = (err instanceof Error ? err.message : String(err)).replace(/^error converting YAML to JSON: yaml: /, '')
  if (/Nested mappings are not allowed|Implicit map keys need to be/.test(text)) return 'mapping values are not allowed in this context'
  return text
}

/** Helm's util.SimpleHead of a document through a full YAML parse: its kind and whether it is a hook. */
export function fullHead(doc: string, path: string, parse: (text: string, source: string) => GoValue = parseYamlValue): { kind: string; hook: boolean } {
  let head: GoValue
  try {
    head = parse(doc, path)
  } catch (err) {
    throw new ManifestError(`YAML parse error on ${path}: error converting YAML to JSON: yaml: ${goYamlMessage(err)}`)
  }
  if (head !== null && !(head instanceof Map)) {
    throw new ManifestError(`YAML parse error on ${path}: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type util.SimpleHead`)
  }
  const kind = head instanceof Map && typeof head.get('kind') === 'string' ? (head.get('kind') as string) : ''
  const meta = head instanceof Map ? head.get('metadata') : undefined
  const annotations = meta instanceof Map ? meta.get('annotations') : undefined
  return { kind, hook: annotations instanceof Map && annotations.has('helm.sh/hook') }
}

/** Sorts rendered files into manifests as `helm template` orders them. */
export function sortManifests(files: ReadonlyMap<string, string>): Manifest[] {
  const generic: Manifest[] = []
  const hooks: Manifest[] = []
  for (const path of [...files.keys()].sort(compareCodeUnits)) {
    const base = path.split('/').pop() ?? path
    if (base.startsWith('_')) continue
    if (path.endsWith('NOTES.txt')) continue
    const content = files.get(path) ?? ''
    if (content.trim() === '') continue
    for (const doc of splitManifests(content)) {
      const quick = quickHead(doc)
      if (quick !== undefined) {
        generic.push({ source: path, content: doc, kind: quick.kind, hook: false })
        continue
      }
      const { kind, hook } = fullHead(doc, path)
      ;(hook ? hooks : generic).push({ source: path, content: doc, kind, hook })
    }
  }
  return [...sortByKind(generic), ...sortByKind(hooks)]
}

function sortByKind(manifests: Manifest[]): Manifest[] {
  const order = new Map(INSTALL_ORDER.map((k, i) => [k, i]))
  return manifests
    .map((m, i) => ({ m, i }))
    .sort((a, b) => {
      const oa = order.get(a.m.kind)
      const ob = order.get(b.m.kind)
      if (oa === undefined && ob === undefined) {
        if (a.m.kind !== b.m.kind) return a.m.kind < b.m.kind ? -1 : 1
        return a.i - b.i
      }
      if (oa === undefined) return 1
      if (ob === undefined) return -1
      return oa - ob || a.i - b.i
    })
    .map((x) => x.m)
}

/** Prints manifests as `helm template` does. */
export function printManifests(manifests: readonly Manifest[]): string {
  return manifests.map((m) => `---\n# Source: ${m.source}\n${m.content}\n`).join('')
}
