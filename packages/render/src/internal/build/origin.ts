// buildMetadata's origin and transformer annotations (config.kubernetes.io/origin,
// alpha.config.kubernetes.io/transformations), written as kyaml marshals its Origin struct.
import { stringifyValue } from '@gitops-sdk/core'
import type { Resource } from './resource.js'

export const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin'
export const TRANSFORMATIONS_ANNOTATION = 'alpha.config.kubernetes.io/transformations'

export interface Origin {
  readonly path?: string | undefined
  readonly repo?: string | undefined
  readonly ref?: string | undefined
  readonly configuredIn?: string | undefined
  readonly configuredBy?: { readonly apiVersion?: string; readonly kind?: string; readonly name?: string; readonly namespace?: string } | undefined
}

/** filepath.Join: joins and cleans (`a/b` + `../c` → `a/c`). */
export function joinPath(a: string, b: string): string {
  const parts: string[] = []
  let up = 0
  for (const p of `${a}/${b}`.split('/')) {
    if (p === '' || p === '.') continue
    if (p === '..') {
      if (parts.length > 0) parts.pop()
      else up++
      continue
    }
    parts.push(p)
  }
  return [...Array<string>(up).fill('..'), ...parts].join('/')
}

/** Origin.Append: the origin of something `path` away. */
export function appendOrigin(o: Origin, path: string): Origin {
  return { ...o, path: joinPath(o.path ?? '', path) }
}

function scalar(v: string): string {
  // go-yaml v3 writes plain scalars unless they would read back as something else.
  const text = stringifyValue(v)
  return text.endsWith('\n') ? text.slice(0, -1) : text
}

function lines(o: Origin, indent: string): string[] {
  const out: string[] = []
  const add = (k: string, v: string | undefined): void => {
    if (v !== undefined && v !== '') out.push(`${indent}${k}: ${scalar(v)}`)
  }
  add('path', o.path)
  add('repo', o.repo)
  add('ref', o.ref)
  add('configuredIn', o.configuredIn)
  const by = o.configuredBy
  if (by !== undefined && Object.values(by).some((v: string | undefined) => v !== undefined && v !== '')) {
    out.push(`${indent}configuredBy:`)
    const sub = `${indent}  `
    for (const k of ['apiVersion', 'kind', 'name', 'namespace'] as const) {
      const v = by[k]
      if (v !== undefined && v !== '') out.push(`${sub}${k}: ${scalar(v)}`)
    }
  }
  return out
}

/** The annotation text of an origin. */
export function originString(o: Origin): string {
  const l = lines(o, '')
  return l.length === 0 ? '{}\n' : `${l.join('\n')}\n`
}

/** The annotation text of a list of origins. */
export function transformationsString(list: readonly Origin[]): string {
  if (list.length === 0) return '[]\n'
  return `${list
    .map((o) => {
      const l = lines(o, '  ')
      return `- ${(l[0] ?? '').slice(2)}${l.length > 1 ? `\n${l.slice(1).join('\n')}` : ''}`
    })
    .join('\n')}\n`
}

/** Parses an origin annotation back (only the fields we write). */
export function parseOrigin(text: string): Origin {
  const out: Record<string, string> = {}
  const by: Record<string, string> = {}
  let inBy = false
  for (const line of text.split('\n')) {
    const m = /^(\s*)([A-Za-z]+): ?(.*)$/.exec(line)
    if (m === null) continue
    const [, ind = '', key = '', raw = ''] = m
    const value = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw.startsWith("'") ? raw.slice(1, -1).replaceAll("''", "'") : raw
    if (ind === '' && key === 'configuredBy') {
      inBy = true
      continue
    }
    if (ind === '') {
      inBy = false
      out[key] = value
    } else if (inBy) by[key] = value
  }
  return { ...out, ...(Object.keys(by).length > 0 ? { configuredBy: by } : {}) }
}

/** Sets the origin annotation unless the object has one. */
export function setOriginIfAbsent(r: Resource, o: Origin): void {
  const annos = r.annotations()
  if (annos.has(ORIGIN_ANNOTATION)) return
  annos.set(ORIGIN_ANNOTATION, originString(o))
  r.setAnnotations(annos)
}

/** resWrangler.AddTransformerAnnotation for one object. */
export function addTransformation(r: Resource, o: Origin): void {
  const annos = r.annotations()
  if (!annos.has(ORIGIN_ANNOTATION)) {
    annos.set(ORIGIN_ANNOTATION, originString(o))
    r.setAnnotations(annos)
    return
  }
  const prev = annos.get(TRANSFORMATIONS_ANNOTATION)
  const list = prev === undefined ? [] : splitTransformations(prev)
  list.push(o)
  annos.set(TRANSFORMATIONS_ANNOTATION, transformationsString(list))
  r.setAnnotations(annos)
}

function splitTransformations(text: string): Origin[] {
  const items: string[] = []
  for (const line of text.split('\n')) {
    if (line.startsWith('- ')) items.push(`  ${line.slice(2)}`)
    else if (line.startsWith('  ') && items.length > 0) items.push(`${items.pop() as string}\n${line}`)
  }
  return items.map((i) =>
    parseOrigin(
      i
        .split('\n')
        .map((l) => l.slice(2))
        .join('\n'),
    ),
  )
}

/** The origin of what a builtin generator or transformer of a kustomization file makes. */
export function builtinOrigin(origin: Origin | undefined, fileName: string, kind: string): Origin | undefined {
  if (origin === undefined) return undefined
  return {
    repo: origin.repo,
    ref: origin.ref,
    configuredIn: joinPath(origin.path ?? '', fileName),
    configuredBy: { apiVersion: 'builtin', kind },
  }
}

/** OriginFromCustomPlugin: where a plugin config object came from, as the origin of what it makes. */
export function pluginOrigin(r: Resource, origin: Origin | undefined): Origin | undefined {
  if (origin === undefined) return undefined
  const text = r.annotations().get(ORIGIN_ANNOTATION)
  if (text === undefined) return undefined
  const o = parseOrigin(text)
  return {
    repo: o.repo,
    ref: o.ref,
    configuredIn: o.path,
    configuredBy: { apiVersion: r.apiVersion, kind: r.kind, name: r.name, namespace: r.namespace },
  }
}
