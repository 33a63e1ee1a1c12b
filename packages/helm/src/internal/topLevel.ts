// The objects Helm 4 hands a template besides .Values: .Chart, .Release, .Capabilities, .Files,
// .Template and .Subcharts, shaped and typed as `helm template` (v4.1.4) shows them.
import { stringifyValue } from '@gitops-sdk/core'
import { quote } from '@gitops-sdk/core/go'
import { compileGlob } from './glob.js'
import { FuncError, type GoFunc, GoInt, type GoMap, GoStruct, type GoValue, int, mapWithMethods, nilMap, sliceWithMethods, typedMap, typedSlice } from './template/values.js'

/** Helm 4.1.4's default API versions (`.Capabilities.APIVersions` before `--api-versions`). */
export const DEFAULT_API_VERSIONS: readonly string[] = [
  'v1',
  'admissionregistration.k8s.io/v1',
  'admissionregistration.k8s.io/v1alpha1',
  'admissionregistration.k8s.io/v1beta1',
  'internal.apiserver.k8s.io/v1alpha1',
  'apps/v1',
  'apps/v1beta1',
  'apps/v1beta2',
  'authentication.k8s.io/v1',
  'authentication.k8s.io/v1alpha1',
  'authentication.k8s.io/v1beta1',
  'authorization.k8s.io/v1',
  'authorization.k8s.io/v1beta1',
  'autoscaling/v1',
  'autoscaling/v2',
  'autoscaling/v2beta1',
  'autoscaling/v2beta2',
  'batch/v1',
  'batch/v1beta1',
  'certificates.k8s.io/v1',
  'certificates.k8s.io/v1beta1',
  'certificates.k8s.io/v1alpha1',
  'coordination.k8s.io/v1alpha2',
  'coordination.k8s.io/v1beta1',
  'coordination.k8s.io/v1',
  'discovery.k8s.io/v1',
  'discovery.k8s.io/v1beta1',
  'events.k8s.io/v1',
  'events.k8s.io/v1beta1',
  'extensions/v1beta1',
  'flowcontrol.apiserver.k8s.io/v1',
  'flowcontrol.apiserver.k8s.io/v1beta1',
  'flowcontrol.apiserver.k8s.io/v1beta2',
  'flowcontrol.apiserver.k8s.io/v1beta3',
  'networking.k8s.io/v1',
  'networking.k8s.io/v1beta1',
  'node.k8s.io/v1',
  'node.k8s.io/v1alpha1',
  'node.k8s.io/v1beta1',
  'policy/v1',
  'policy/v1beta1',
  'rbac.authorization.k8s.io/v1',
  'rbac.authorization.k8s.io/v1beta1',
  'rbac.authorization.k8s.io/v1alpha1',
  'resource.k8s.io/v1',
  'resource.k8s.io/v1beta2',
  'resource.k8s.io/v1beta1',
  'resource.k8s.io/v1alpha3',
  'scheduling.k8s.io/v1alpha1',
  'scheduling.k8s.io/v1beta1',
  'scheduling.k8s.io/v1',
  'storage.k8s.io/v1beta1',
  'storage.k8s.io/v1',
  'storage.k8s.io/v1alpha1',
  'storagemigration.k8s.io/v1beta1',
  'apiextensions.k8s.io/v1beta1',
  'apiextensions.k8s.io/v1',
]

function method(name: string, params: GoFunc['params'], body: GoFunc['fn']): [string, GoFunc] {
  return [name, { kind: 'func', name, params, fn: body }]
}

// Kubernetes' generic version pattern, `^\s*v?([0-9]+(?:\.[0-9]+)*)(.*)*$`, without its tail: the
// numbers are unambiguous, so the greedy first try is the match (linear); the tail matches anything
// without a line break (Go's `.`), checked apart.
const versionHead = /^[\t\n\f\r ]*v?(\d+(?:\.\d+)*)/
const maxUint = 2n ** 64n - 1n

/**
 * The numbers of a kube version as Kubernetes' ParseGeneric reads them (at least two, the first
 * without a leading zero, each a uint), or its error text.
 */
function kubeVersionNumbers(text: string): bigint[] | string {
  const m = versionHead.exec(text)
  if (m === null || text.includes('\n', m[0].length)) return `could not parse ${quote(text)} as version`
  const components = (m[1] ?? '').split('.')
  if (components.length < 2) return `illegal version string ${quote(text)}`
  const numbers: bigint[] = []
  for (const [i, c] of components.entries()) {
    if (i === 0 && c.startsWith('0') && c !== '0') return `illegal zero-prefixed version component ${quote(c)} in ${quote(text)}`
    // Beyond 20 significant digits it is out of range (and BigInt need not read a long run).
    const n = c.replace(/^0+/, '').length > 20 ? maxUint + 1n : BigInt(c)
    if (n > maxUint) return `illegal non-numeric version component ${quote(c)} in ${quote(text)}: strconv.ParseUint: parsing ${quote(c)}: value out of range`
    numbers.push(n)
  }
  return numbers
}

/**
 * `.Capabilities` for a kube version such as `v1.32.0` and extra API versions. Its KubeVersion is
 * helm's: `Version` the text given (with a leading `v`), the unexported `normalizedVersion` its
 * numbers alone (`v1.33.4` for `v1.33.4-gke.1245000`, as Kubernetes' generic version parser reads
 * them), which the pointer-receiver `String` gives. A version that does not parse is helm's error.
 */
export function capabilities(kubeVersion: string, apiVersions: readonly string[]): GoStruct {
  const parsed = kubeVersionNumbers(kubeVersion)
  if (typeof parsed === 'string') throw new FuncError(`invalid kube version '${kubeVersion}': ${parsed}`)
  const version = kubeVersion.startsWith('v') ? kubeVersion : `v${kubeVersion}`
  const numbers = parsed.map((n) => n.toString())
  const normalized = `v${numbers.join('.')}`
  const kube = new GoStruct('common.KubeVersion', {
    fields: new Map<string, GoValue>([
      ['Version', version],
      ['normalizedVersion', normalized],
      ['Major', numbers[0] ?? '0'],
      ['Minor', numbers[1] ?? '0'],
    ]),
    methods: new Map([method('GitVersion', [], () => version), method('String', [], () => normalized)]),
    addressedString: () => normalized,
  })
  // A []string with a method, as Go's VersionSet: range, len, index and toJson see the list.
  const all = [...DEFAULT_API_VERSIONS, ...apiVersions]
  const apis = sliceWithMethods([...all], 'common.VersionSet', (self) => new Map([method('Has', ['string'], (v) => self.includes(v))]))
  const helm = new GoStruct('version.BuildInfo', {
    fields: new Map<string, GoValue>([
      ['Version', 'v4.1.4'],
      ['GitCommit', '05fa37973dc9e42b76e1d2883494c87174b6074f'],
      ['GitTreeState', 'clean'],
      ['GoVersion', 'go1.25.9'],
      ['KubeClientVersion', 'v1.35'],
    ]),
    jsonNames: new Map([
      ['Version', 'version'],
      ['GitCommit', 'git_commit'],
      ['GitTreeState', 'git_tree_state'],
      ['GoVersion', 'go_version'],
      ['KubeClientVersion', 'kube_client_version'],
    ]),
  })
  return new GoStruct('*common.Capabilities', {
    fields: new Map<string, GoValue>([
      ['KubeVersion', kube],
      ['APIVersions', apis],
      ['HelmVersion', helm],
    ]),
  })
}

/** Chart.yaml fields as Helm 4 exposes them in `.Chart`. */
export interface ChartMetadata {
  readonly name: string
  readonly version: string
  readonly apiVersion: string
  readonly appVersion?: string | undefined
  readonly description?: string | undefined
  readonly type?: string | undefined
  readonly home?: string | undefined
  readonly icon?: string | undefined
  readonly kubeVersion?: string | undefined
  readonly deprecated?: boolean | undefined
  readonly keywords?: readonly string[] | undefined
  readonly sources?: readonly string[] | undefined
  readonly annotations?: Readonly<Record<string, string>> | undefined
}

/** `.Chart` as Helm 4 builds it (a map with Go field names). */
export function chartObject(meta: ChartMetadata, isRoot: boolean): GoMap {
  return new Map<string, GoValue>([
    ['APIVersion', meta.apiVersion],
    // A map[string]string, nil when Chart.yaml has none (toJson prints null).
    ['Annotations', meta.annotations === undefined ? nilMap('map[string]string') : typedMap(new Map(Object.entries(meta.annotations)), 'map[string]string')],
    ['AppVersion', meta.appVersion ?? ''],
    ['Condition', ''],
    ['Dependencies', []],
    ['Deprecated', meta.deprecated ?? false],
    ['Description', meta.description ?? ''],
    ['Home', meta.home ?? ''],
    ['Icon', meta.icon ?? ''],
    ['IsRoot', isRoot],
    ['Keywords', [...(meta.keywords ?? [])]],
    ['KubeVersion', meta.kubeVersion ?? ''],
    ['Maintainers', []],
    ['Name', meta.name],
    ['Sources', [...(meta.sources ?? [])]],
    ['Tags', ''],
    ['Type', meta.type ?? ''],
    ['Version', meta.version],
  ])
}

/** `.Release` as `helm template` sets it (an install, revision 1). */
export function releaseObject(name: string, namespace: string): GoMap {
  return new Map<string, GoValue>([
    ['IsInstall', true],
    ['IsUpgrade', false],
    ['Name', name],
    ['Namespace', namespace],
    ['Revision', int(1)],
    ['Service', 'Helm'],
  ])
}

function bytes(text: string): GoValue[] {
  return typedSlice([...Buffer.from(text, 'utf8')].map((b) => new GoInt(BigInt(b), 'uint8')), '[]uint8')
}

/** Helm's files toYAML: a map of strings as YAML, without the final newline. */
function filesYaml(m: ReadonlyMap<string, string>): string {
  const plain = Object.create(null) as Record<string, string>
  for (const k of [...m.keys()].sort()) plain[k] = m.get(k) ?? ''
  return stringifyValue(plain).replace(/\n$/, '')
}

/**
 * The names of `.Files` with each file's []byte made when first read: most templates never read
 * `.Files` as a map, and a byte slice is a Go integer object per byte (a chart's crds/ alone can be
 * megabytes). Placeholders are `null`, which no file's bytes ever are; every way of walking the map
 * fills them first.
 */
class FileBytes extends Map<string, GoValue> {
  constructor(private readonly texts: ReadonlyMap<string, string>) {
    super()
    for (const name of texts.keys()) super.set(name, null)
  }

  override get(name: string): GoValue | undefined {
    const v = super.get(name)
    if (v !== null) return v
    const made = bytes(this.texts.get(name) ?? '')
    super.set(name, made)
    return made
  }

  private fill(): void {
    for (const [name, v] of super.entries()) if (v === null) this.get(name)
  }

  override entries(): MapIterator<[string, GoValue]> {
    this.fill()
    return super.entries()
  }

  override values(): MapIterator<GoValue> {
    this.fill()
    return super.values()
  }

  override forEach(cb: (value: GoValue, key: string, map: Map<string, GoValue>) => void, thisArg?: unknown): void {
    this.fill()
    super.forEach(cb, thisArg)
  }

  override [Symbol.iterator](): MapIterator<[string, GoValue]> {
    return this.entries()
  }
}

/**
 * `.Files`: the chart's files other than templates, Chart.yaml and values: a map of names to
 * []byte (so `range` walks it) with helm's methods Get, GetBytes, Lines, Glob, AsConfig, AsSecrets.
 */
export function filesObject(files: ReadonlyMap<string, string>): GoMap {
  const entries = new FileBytes(files)
  const get = (name: GoValue): GoValue => files.get(name as string) ?? ''
  const base = (p: string): string => p.slice(p.lastIndexOf('/') + 1)
  return mapWithMethods(entries, 'engine.files', new Map([
    method('Get', ['string'], get),
    method('GetBytes', ['string'], (name) => bytes(files.get(name as string) ?? '')),
    method('Lines', ['string'], (name) => {
      const text = files.get(name as string)
      if (text === undefined || text === '') return typedSlice([], '[]string')
      // As helm's files.Lines: one trailing newline does not start another line.
      return typedSlice((text.endsWith('\n') ? text.slice(0, -1) : text).split('\n'), '[]string')
    }),
    method('Glob', ['string'], (pattern) => {
      // A pattern that does not compile matches everything, as helm falls back to "**".
      const re = compileGlob(pattern as string) ?? /^.*$/s
      return filesObject(new Map([...files].filter(([name]) => re.test(name))))
    }),
    method('AsConfig', [], () => filesYaml(new Map([...files].map(([k, v]) => [base(k), v]))) ),
    method('AsSecrets', [], () => filesYaml(new Map([...files].map(([k, v]) => [base(k), Buffer.from(v, 'utf8').toString('base64')])))),
  ]))
}
