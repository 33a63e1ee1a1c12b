// The OpenAPI knowledge a build uses, kept per build (kyaml keeps it in globals): merge keys and
// patch strategies for strategic merge, and which kinds are cluster-scoped. Built-in types come
// from core's table (generated from the Kubernetes OpenAPI on npm); a kustomization's `openapi`
// field can replace it with a custom schema, with kyaml's rules for which one wins.
import { builtinDefinition, builtinDefinitionName } from '@gitops-sdk/core'
import type { SchemaDefinition, SchemaNode } from '@gitops-sdk/core'
import { precomputedNamespaced } from './ids.js'

/** A schema node with its `$ref`s resolved, as kyaml's ResourceSchema holds it. */
export class SchemaView {
  /** Resolved fields, filled on demand (null: no schema for that field). */
  private fields: Map<string, SchemaView | null> | undefined
  /** The resolved elements schema, once asked for (null: none). */
  private elements: SchemaView | null | undefined
  private strategy: { readonly merge: boolean; readonly keys: readonly string[] } | undefined

  constructor(
    readonly node: SchemaDefinition,
    readonly lookup: (name: string) => SchemaDefinition | undefined,
  ) {}

  /** kyaml ResourceSchema.Field: a property, else the additionalProperties schema. */
  field(name: string): SchemaView | undefined {
    this.fields ??= new Map()
    let v = this.fields.get(name)
    if (v === undefined) {
      v = fieldOf(this, name) ?? null
      this.fields.set(name, v)
    }
    return v ?? undefined
  }

  /** kyaml ResourceSchema.Elements: the items schema of an array. */
  elementsSchema(): SchemaView | undefined {
    if (this.elements === undefined) {
      const items = this.node.type === 'array' ? this.node.items : undefined
      const node = items === undefined ? undefined : resolve(items, this.lookup)
      this.elements = node === undefined ? null : new SchemaView(node, this.lookup)
    }
    return this.elements ?? undefined
  }

  /** kyaml schemaHasMergeStrategy, and the list-map keys or else the merge key (PatchStrategyAndKeyList). */
  mergeStrategy(): { readonly merge: boolean; readonly keys: readonly string[] } {
    if (this.strategy === undefined) {
      const n = this.node
      const strategy = n.patchStrategy
      const keys = strategy === undefined ? [] : n.listMapKeys !== undefined ? [...n.listMapKeys] : n.patchMergeKey === undefined ? [] : [n.patchMergeKey]
      this.strategy = { merge: (strategy ?? '').split(',').includes('merge'), keys }
    }
    return this.strategy
  }
}

interface CustomSchema {
  readonly definitions: Map<string, SchemaDefinition>
  readonly gvks: Map<string, string>
  readonly namespaced: Map<string, boolean>
}

/** Schema state of one build. */
export class SchemaState {
  private custom: CustomSchema | undefined
  private builtin = true
  /** Set once a schema lookup has happened: kyaml has then parsed its built-in schema. */
  private used = false
  /**
   * Set when kyaml was asked the scope of a kind it has no precomputed answer for before any
   * schema was parsed: it then parses the built-in schema after a custom one, which wins on
   * name collisions.
   */
  private delayed = false
  private builtinWins = false
  /** Whether kyaml's SetSchema has been given a version or custom schema. */
  private set = false
  private readonly clusterCache = new Map<string, Map<string, boolean>>()

  /**
   * Applies a kustomization's `openapi` field as kyaml's SetSchema does: the top-level call
   * (`reset`) always applies, a nested one only while nothing has been set.
   */
  configure(custom: CustomSchema | undefined, version: string | undefined, reset: boolean): void {
    if (this.set && !reset) return
    this.views.clear()
    if (custom !== undefined) {
      this.custom = custom
      this.set = true
      // A custom schema replaces the built-in one unless that was already parsed (or will be).
      this.builtin = this.used || this.delayed
      this.builtinWins = this.delayed && !this.used
      this.clusterCache.clear()
      return
    }
    if (version !== undefined && version !== '') {
      this.set = true
      this.custom = undefined
      this.builtin = true
      this.clusterCache.clear()
    }
  }

  /** Whether an object of this apiVersion and kind is known to be cluster-scoped. */
  isClusterScoped(apiVersion: string, kind: string): boolean {
    let byKind = this.clusterCache.get(apiVersion)
    if (byKind === undefined) {
      byKind = new Map()
      this.clusterCache.set(apiVersion, byKind)
    }
    let v = byKind.get(kind)
    if (v === undefined) {
      const pre = precomputedNamespaced(apiVersion, kind)
      if (pre === undefined && this.custom === undefined && !this.used) this.delayed = true
      const namespaced = pre ?? this.custom?.namespaced.get(`${apiVersion}/${kind}`)
      v = namespaced === false
      byKind.set(kind, v)
    }
    return v
  }

  /** The schema of a top-level object, or undefined (custom resources without a schema). */
  forType(apiVersion: string, kind: string): SchemaView | undefined {
    this.used = true
    const key = `${apiVersion}/${kind}`
    const customName = this.custom?.gvks.get(key)
    if (customName !== undefined) {
      const node = this.lookup(customName)
      if (node !== undefined) return this.view(node)
    }
    if (!this.builtin) return undefined
    const name = builtinDefinitionName(apiVersion, kind)
    const node = name === undefined ? undefined : this.lookup(name)
    return node === undefined ? undefined : this.view(node)
  }

  readonly lookup = (name: string): SchemaDefinition | undefined => {
    if (this.builtinWins) {
      const b = builtinDefinition(name)
      if (b !== undefined) return b
    }
    const custom = this.custom?.definitions.get(name)
    if (custom !== undefined) return custom
    return this.builtin ? builtinDefinition(name) : undefined
  }

  private readonly views = new Map<SchemaDefinition, SchemaView>()

  private view(node: SchemaDefinition): SchemaView {
    let v = this.views.get(node)
    if (v === undefined) {
      v = new SchemaView(node, this.lookup)
      this.views.set(node, v)
    }
    return v
  }
}

/** Follows `ref`s to the node they name. */
function resolve(node: SchemaNode, lookup: (name: string) => SchemaDefinition | undefined): SchemaDefinition | undefined {
  let cur: SchemaDefinition | undefined = node
  for (let hops = 0; cur?.ref !== undefined && hops < 64; hops++) cur = lookup(cur.ref)
  return cur?.ref === undefined ? cur : undefined
}

/** kyaml ResourceSchema.Field: a property, else the additionalProperties schema. */
export function schemaField(s: SchemaView | undefined, name: string): SchemaView | undefined {
  return s === undefined ? undefined : s.field(name)
}

function fieldOf(s: SchemaView, name: string): SchemaView | undefined {
  const props = s.node.properties
  let p: SchemaNode | undefined = props !== undefined && Object.prototype.hasOwnProperty.call(props, name) ? props[name] : undefined
  if (p === undefined) {
    const ap = s.node.additionalProperties
    if (typeof ap === 'object') p = ap
  }
  if (p === undefined) return undefined
  const node = resolve(p, s.lookup)
  return node === undefined ? undefined : new SchemaView(node, s.lookup)
}

/** kyaml ResourceSchema.Elements: the items schema of an array. */
export function schemaElements(s: SchemaView | undefined): SchemaView | undefined {
  return s === undefined ? undefined : s.elementsSchema()
}

/** kyaml PatchStrategyAndKeyList: the list-map keys or else the merge key (empty without a strategy). */
export function patchStrategyAndKeys(s: SchemaView): { keys: readonly string[] } {
  return s.mergeStrategy()
}

/** kyaml schemaHasMergeStrategy. */
export function hasMergeStrategy(s: SchemaView): boolean {
  return s.mergeStrategy().merge
}

/**
 * Reads a custom OpenAPI document (swagger 2: `definitions`, and `paths` for scope) as kyaml's
 * openapi.AddSchema does.
 */
export function parseCustomSchema(doc: unknown): CustomSchema {
  const definitions = new Map<string, SchemaDefinition>()
  const gvks = new Map<string, string>()
  const namespaced = new Map<string, boolean>()
  const root = asRecord(doc)
  const defs = asRecord(root?.definitions)
  if (defs !== undefined) {
    for (const [name, raw] of Object.entries(defs)) {
      const def = compactDefinition(raw)
      definitions.set(name, def)
      for (const gvk of asArray(asRecord(raw)?.['x-kubernetes-group-version-kind'])) {
        const key = gvkKey(gvk)
        if (key !== undefined) gvks.set(key, name)
      }
    }
  }
  const paths = asRecord(root?.paths)
  if (paths !== undefined) {
    for (const [path, info] of Object.entries(paths)) {
      const get = asRecord(asRecord(info)?.get)
      const key = gvkKey(get?.['x-kubernetes-group-version-kind'])
      if (key === undefined) continue
      if (path.includes('namespaces/{namespace}')) namespaced.set(key, true)
      else if (!namespaced.has(key)) namespaced.set(key, false)
    }
  }
  return { definitions, gvks, namespaced }
}

function gvkKey(raw: unknown): string | undefined {
  const m = asRecord(raw)
  if (m === undefined || typeof m.version !== 'string' || typeof m.kind !== 'string') return undefined
  const group = typeof m.group === 'string' ? m.group : ''
  return `${group === '' ? m.version : `${group}/${m.version}`}/${m.kind}`
}

function compactDefinition(raw: unknown): SchemaDefinition {
  const m = asRecord(raw)
  if (m === undefined) return {}
  const node = compactNode(m) as { -readonly [K in keyof SchemaDefinition]: SchemaDefinition[K] }
  const props = asRecord(m.properties)
  if (props !== undefined) {
    const out: Record<string, SchemaNode> = {}
    for (const [k, v] of Object.entries(props)) out[k] = compactDefinition(v)
    node.properties = out
  }
  return node
}

function compactNode(m: Record<string, unknown>): SchemaNode {
  const out: { -readonly [K in keyof SchemaNode]: SchemaNode[K] } = {}
  if (typeof m.$ref === 'string') out.ref = m.$ref.replace(/^#\/definitions\//, '')
  if (typeof m.type === 'string') out.type = m.type as SchemaNode['type']
  else if (Array.isArray(m.type) && m.type.length === 1 && typeof m.type[0] === 'string') out.type = m.type[0] as SchemaNode['type']
  const items = asRecord(m.items)
  if (items !== undefined) out.items = compactDefinition(items)
  const ap = m.additionalProperties
  if (typeof ap === 'boolean') out.additionalProperties = ap
  else if (asRecord(ap) !== undefined) out.additionalProperties = compactDefinition(ap)
  if (typeof m['x-kubernetes-patch-strategy'] === 'string') out.patchStrategy = m['x-kubernetes-patch-strategy']
  if (typeof m['x-kubernetes-patch-merge-key'] === 'string') out.patchMergeKey = m['x-kubernetes-patch-merge-key']
  const keys = m['x-kubernetes-list-map-keys']
  if (Array.isArray(keys)) out.listMapKeys = keys.filter((k): k is string => typeof k === 'string')
  return out
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : []
}
