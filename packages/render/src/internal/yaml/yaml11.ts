// YAML read as sigs.k8s.io/yaml reads it (go-yaml v2: YAML 1.1 scalars, a repeated key keeps its
// last value): kustomization files and the text after post-build substitution.
import { createRequire } from 'node:module'
import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import { defaultYamlBudget } from '@gitops-sdk/core/yaml'
import { setOwn } from '@gitops-sdk/core'
import type * as Yaml from 'yaml'
import { stepError } from '../build/fail.js'
import { fastDocuments } from './fastYaml.js'

// Loaded on first use: most kustomization files are plain block YAML that the fast reader takes,
// and loading the `yaml` package costs tens of milliseconds of a command-line build's start-up.
// Its `node` export is CommonJS, so `require` gives the module an import would. As in core, the
// load is a literal `require('yaml')` first, so that bundlers see the dependency; Node's ESM has no
// `require`, and there `createRequire` loads it.
// Empty in the CommonJS build, where __filename stands in for it.
const moduleUrl: string | undefined = import.meta.url
let yamlLib: typeof Yaml | undefined

function loadYaml(): typeof Yaml {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- visible to bundlers, lazy for start-up
    return require('yaml') as typeof Yaml
  } catch {
    // Only where Node's ESM has no require; a bundle never gets here.
    const nodeRequire = createRequire(moduleUrl ?? __filename)
    return nodeRequire('yaml') as typeof Yaml
  }
}

function parseAllDocuments(...args: Parameters<typeof Yaml.parseAllDocuments>): ReturnType<typeof Yaml.parseAllDocuments> {
  yamlLib ??= loadYaml()
  return yamlLib.parseAllDocuments(...args)
}

/** The first document of `text`, or undefined when there is none. */
export function parseYaml11(text: string, source: string): KubeValue | undefined {
  const fast = fastDocuments(text, 'v11')
  if (fast !== undefined) return fast[0]
  return parseYaml11Full(text, source)
}

/** {@link parseYaml11} without the fast path (for tests). */
export function parseYaml11Full(text: string, source: string): KubeValue | undefined {
  try {
    const docs = parseAllDocuments(text, { version: '1.1', intAsBigInt: true, uniqueKeys: false, prettyErrors: false })
    if (!Array.isArray(docs)) return undefined
    for (const doc of docs) {
      const err = doc.errors[0]
      if (err !== undefined) {
        if (err.message.includes('Maximum call stack')) throw new TooDeep()
        throw stepError('RENDER_YAML_INVALID', `${source}: ${err.message.split('\n')[0] ?? err.message}`)
      }
      if (doc.contents === null) continue
      return normalize(doc.toJS({ maxAliasCount: defaultYamlBudget.maxAliasExpansion }) as unknown, 0)
    }
    return undefined
  } catch (err) {
    // The yaml package refuses an alias bomb with a ReferenceError, and deep nesting overflows the
    // stack (a RangeError): both become a typed error naming the file.
    if (err instanceof ReferenceError) throw stepError('RENDER_YAML_INVALID', `${source}: aliases expand beyond ${defaultYamlBudget.maxAliasExpansion} nodes`)
    if (err instanceof RangeError || err instanceof TooDeep) throw stepError('RENDER_YAML_INVALID', `${source}: nesting deeper than ${defaultYamlBudget.maxDepth} levels`)
    throw err
  }
}

class TooDeep extends Error {}

function normalize(v: unknown, depth: number): KubeValue {
  if (depth > defaultYamlBudget.maxDepth) throw new TooDeep()
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v
  if (v instanceof Date) return v.toISOString().replace('.000Z', 'Z')
  if (Array.isArray(v)) return v.map((x) => normalize(x, depth + 1))
  if (v instanceof Map) {
    const out: KubeMap = {}
    for (const [k, x] of v) setOwn(out, String(k), normalize(x, depth + 1))
    return out
  }
  if (typeof v === 'object' && v !== null) {
    const out: KubeMap = {}
    for (const [k, x] of Object.entries(v)) setOwn(out, k, normalize(x, depth + 1))
    return out
  }
  if (v === undefined) return null
  return v as KubeValue
}

