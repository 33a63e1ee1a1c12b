// configMapGenerator and secretGenerator: data from env files, literals and files, options, the
// generator behavior, and how a generated object is absorbed into the objects already there
// (create, merge or replace), as kustomize v5.5.0 does it.
import type { KubeMap } from '@gitops-sdk/core'
import { stepError } from './fail.js'
import { idString } from './ids.js'
import type { GeneratorArgs, GeneratorOptions } from './kustomization.js'
import type { Loader } from './loader.js'
import type { Behavior } from './resource.js'
import { Resource } from './resource.js'
import type { ResMap } from './resMap.js'
import { deleteField, setField } from '../yaml/values.js'


/** MergeGlobalOptionsIntoLocal. */
export function mergeOptions(local: GeneratorOptions | undefined, global: GeneratorOptions | undefined): GeneratorOptions | undefined {
  if (global === undefined) return local
  const l = local ?? {}
  const merge = (lm: Map<string, string> | undefined, gm: Map<string, string> | undefined): Map<string, string> | undefined => {
    if (lm === undefined) return gm === undefined ? undefined : new Map(gm)
    const out = new Map(lm)
    for (const [k, v] of gm ?? []) if (!out.has(k)) out.set(k, v)
    return out
  }
  const labels = merge(l.labels, global.labels)
  const annotations = merge(l.annotations, global.annotations)
  return {
    ...(labels === undefined ? {} : { labels }),
    ...(annotations === undefined ? {} : { annotations }),
    disableNameSuffixHash: (l.disableNameSuffixHash ?? false) || (global.disableNameSuffixHash ?? false),
    immutable: (l.immutable ?? false) || (global.immutable ?? false),
  }
}

interface Pair {
  readonly key: string
  readonly value: Uint8Array | string
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

function isUtf8(b: Uint8Array): boolean {
  try {
    utf8.decode(b)
    return true
  } catch {
    return false
  }
}

function parseEnvLines(text: Uint8Array, source: string): Pair[] {
  const out: Pair[] = []
  // kustomize refuses a line that is not UTF-8 ("line N has invalid utf8 bytes").
  if (!isUtf8(text)) throw stepError('RENDER_GENERATOR_FAILED', `${source}: invalid UTF-8`)
  const lines = new TextDecoder().decode(text).split('\n')
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  lines.forEach((raw, i) => {
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw
    if (i === 0 && line.startsWith('\ufeff')) line = line.slice(1)
    line = line.replace(/^\s+/u, '')
    if (line === '' || line.startsWith('#')) return
    const eq = line.indexOf('=')
    const key = eq < 0 ? line : line.slice(0, eq)
    // kustomize v5.5.0 (as kubectl v1.32 runs it) checks no key syntax here, and a line whose key
    // is empty (`=value`) adds nothing.
    if (key === '') return
    out.push({ key, value: eq < 0 ? '' : line.slice(eq + 1) })
  })
  return out
}

function removeQuotes(s: string): string {
  if (s.length < 2 || s[0] !== s[s.length - 1]) return s
  return s[0] === '"' || s[0] === "'" ? s.slice(1, -1) : s
}

function parseFileSource(source: string): [string, string] {
  const n = source.split('=').length - 1
  if (n === 0) return [source.slice(source.lastIndexOf('/') + 1), source]
  if (n === 1 && source.startsWith('=')) throw stepError('RENDER_GENERATOR_FAILED', `missing key name for file path "${source.slice(1)}" in source "${source}"`)
  if (n === 1 && source.endsWith('=')) throw stepError('RENDER_GENERATOR_FAILED', `missing file path for key name "${source.slice(0, -1)}" in source "${source}"`)
  if (n > 1) throw stepError('RENDER_GENERATOR_FAILED', `source "${source}" key name or file path contains '='`)
  const [k = '', p = ''] = source.split('=')
  return [k, p]
}

async function loadPairs(args: GeneratorArgs, loader: Loader): Promise<Pair[]> {
  const all: Pair[] = []
  for (const env of args.envs ?? []) all.push(...parseEnvLines(await loader.loadBytes(env), env))
  for (const lit of args.literals ?? []) {
    const eq = lit.indexOf('=')
    if (eq <= 0) throw stepError('RENDER_GENERATOR_FAILED', `invalid literal source ${lit}, expected key=value`)
    all.push({ key: lit.slice(0, eq), value: removeQuotes(lit.slice(eq + 1)) })
  }
  for (const f of args.files ?? []) {
    const [key, path] = parseFileSource(f)
    all.push({ key, value: await loader.loadBytes(path) })
  }
  return all
}

function validatedData(pairs: readonly Pair[], name: string): Map<string, Pair['value']> {
  const out = new Map<string, Pair['value']>()
  for (const p of pairs) {
    // No key syntax check: kubectl v1.32 runs kustomize with a validator that accepts every key.
    if (out.has(p.key)) throw stepError('RENDER_GENERATOR_FAILED', `configmap ${name} illegally repeats the key \`${p.key}\``)
    out.set(p.key, p.value)
  }
  return out
}

/** Base64 as kyaml writes it: lines of 70 characters, each ended by a newline when there are several. */
export function encodeBase64(bytes: Uint8Array): string {
  const enc = Buffer.from(bytes).toString('base64')
  const lineLen = 70
  const lines = Math.floor(enc.length / lineLen) + 1
  if (lines <= 1) return enc
  let out = ''
  for (let i = 0; i < enc.length; i += lineLen) out += `${enc.slice(i, i + lineLen)}\n`
  return out
}

const encoder = new TextEncoder()

function bytesOf(v: Pair['value']): Uint8Array {
  return typeof v === 'string' ? encoder.encode(v) : v
}

function behaviorOf(s: string | undefined): Behavior {
  return s === 'create' || s === 'merge' || s === 'replace' ? s : 'unspecified'
}

/** Builds the ConfigMap or Secret a generator entry describes. */
export async function generate(kind: 'ConfigMap' | 'Secret', args: GeneratorArgs, loader: Loader): Promise<Resource> {
  const name = args.name ?? ''
  if (name === '') throw stepError('RENDER_GENERATOR_FAILED', `a ${kind === 'ConfigMap' ? 'configmap' : 'secret'} must have a name`)
  const metadata: KubeMap = { name }
  if (args.namespace !== undefined && args.namespace !== '') metadata.namespace = args.namespace
  const obj: KubeMap = { apiVersion: 'v1', kind, metadata }
  if (kind === 'Secret') obj.type = args.type !== undefined && args.type !== '' ? args.type : 'Opaque'
  const data = validatedData(await loadPairs(args, loader), name)
  const keys = [...data.keys()].sort()
  for (const k of keys) {
    const v = data.get(k) as Pair['value']
    let field = 'data'
    let text: string
    if (kind === 'Secret') {
      text = encodeBase64(bytesOf(v))
    } else if (typeof v === 'string' || isUtf8(v)) {
      text = typeof v === 'string' ? v : new TextDecoder().decode(v)
    } else {
      field = 'binaryData'
      text = encodeBase64(v)
    }
    let m = obj[field] as KubeMap | undefined
    if (m === undefined) {
      m = {}
      obj[field] = m
    }
    setField(m, k, text)
  }
  // kustomize v5.5.0 makes a Secret's data map before filling it, so an empty one prints (and is
  // hashed) as `data: {}`; a ConfigMap's maps are made on first use.
  if (kind === 'Secret' && obj.data === undefined) obj.data = {}
  const opts = args.options
  if (opts !== undefined) {
    for (const k of [...(opts.labels?.keys() ?? [])].sort()) {
      const labels = (metadata.labels ??= {}) as KubeMap
      setField(labels, k, opts.labels?.get(k) ?? '')
    }
    for (const k of [...(opts.annotations?.keys() ?? [])].sort()) {
      const annotations = (metadata.annotations ??= {}) as KubeMap
      setField(annotations, k, opts.annotations?.get(k) ?? '')
    }
    if (opts.immutable === true) obj.immutable = true
  }
  const r = new Resource(obj)
  r.behavior = behaviorOf(args.behavior)
  r.needsHash = opts?.disableNameSuffixHash !== true
  r.touched = true
  return r
}

/** resWrangler.AbsorbAll for one generated object: append, merge into or replace its namesake. */
export function absorb(m: ResMap, r: Resource, originKey: string): void {
  const id = r.curId()
  const matches = m.byAnyId(id)
  const behavior = r.behavior ?? 'unspecified'
  if (matches.length === 0) {
    if (behavior === 'merge' || behavior === 'replace') {
      throw stepError('RENDER_GENERATOR_FAILED', `id ${idString(id)} does not exist; cannot merge or replace`)
    }
    m.append(r)
    return
  }
  if (matches.length > 1) {
    throw stepError('RENDER_GENERATOR_FAILED', `found multiple objects ${matches.map((x) => idString(x.curId())).join(', ')} that could accept merge of ${idString(id)}`)
  }
  const old = matches[0] as Resource
  const index = m.indexOf(old)
  if (behavior === 'replace') {
    copyMergeMetaData(r, old)
  } else if (behavior === 'merge') {
    const origin = old.annotations().get(originKey)
    copyMergeMetaData(r, old)
    mergeDataMap(r, old, 'data')
    mergeDataMap(r, old, 'binaryData')
    if (origin !== undefined) {
      const annos = r.annotations()
      annos.set(originKey, origin)
      r.setAnnotations(annos)
    }
  } else {
    throw stepError('RENDER_GENERATOR_FAILED', `id ${idString(id)} exists; behavior must be merge or replace`)
  }
  m.replaceAt(index, r)
}

/** Resource.CopyMergeMetaDataFieldsFrom(old) on the incoming object `r`. */
export function copyMergeMetaData(r: Resource, old: Resource): void {
  const labels = old.labels()
  for (const [k, v] of r.labels()) labels.set(k, v)
  r.setLabels(labels)
  const annos = old.annotations()
  for (const [k, v] of r.annotations()) annos.set(k, v)
  r.setAnnotations(annos)
  r.setName(old.name)
  r.setNamespace(old.namespace)
  r.prevIds = [...old.prevIds]
  r.prefixes = [...old.prefixes]
  r.suffixes = [...old.suffixes]
  r.needsHash = r.needsHash && old.needsHash
  r.behavior = old.behavior
  r.refVarNames = [...old.refVarNames]
  r.touched = true
}

function mergeDataMap(r: Resource, old: Resource, field: 'data' | 'binaryData'): void {
  const merged = old.dataMap(field)
  for (const [k, v] of r.dataMap(field)) merged.set(k, v)
  deleteField(r.obj, field)
  if (merged.size === 0) return
  const out: KubeMap = {}
  for (const k of [...merged.keys()].sort()) setField(out, k, merged.get(k) as string)
  r.obj[field] = out
}
