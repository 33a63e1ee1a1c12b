import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parseBuiltinTable } from './builtinConfig.js'
import { BUILTIN_CONFIG_JSON } from './builtinConfigData.js'
import { emptyConfig, mergeConfig } from './configs.js'
import { defaultConfig } from './defaultConfig.js'

const dataFile = fileURLToPath(new URL('./builtinConfigData.ts', import.meta.url))

/** builtinConfigData.ts as it must be for the table in builtinConfig.ts. */
function generated(): string {
  return `// Generated from the table in builtinConfig.ts by builtinConfig.test.ts (GITOPS_UPDATE_GENERATED=1); do not edit.
/** kustomize's builtin transformer configuration, parsed and sorted, as JSON text (see defaultConfig.ts). */
export const BUILTIN_CONFIG_JSON: string = ${JSON.stringify(JSON.stringify(parseBuiltinTable()))}
`
}

describe('the builtin transformer configuration', () => {
  it('is the parsed table, in the JSON that builds read', () => {
    const expected = generated()
    if (process.env.GITOPS_UPDATE_GENERATED === '1' && readFileSync(dataFile, 'utf8') !== expected) writeFileSync(dataFile, expected)
    expect(readFileSync(dataFile, 'utf8'), 'builtinConfigData.ts is stale: run this test with GITOPS_UPDATE_GENERATED=1').toBe(expected)
    expect(JSON.parse(BUILTIN_CONFIG_JSON)).toEqual(parseBuiltinTable())
  })

  it('is already in merged form, so merging it into an empty configuration returns it unchanged', () => {
    const parsed = parseBuiltinTable()
    // A merge of the parsed table into an empty configuration (the slow path) equals it...
    const merged = mergeConfig(emptyConfig(), parsed)
    expect(merged).not.toBe(parsed)
    expect(merged).toEqual(parsed)
    // ...so the shared default is returned as it is, and is the same object every time.
    const defaults = defaultConfig()
    expect(defaults).toBe(defaultConfig())
    expect(mergeConfig(emptyConfig(), defaults)).toBe(defaults)
    expect(defaults).toEqual(parsed)
    // A non-empty configuration still merges it.
    const one = mergeConfig(emptyConfig(), { ...emptyConfig(), images: [{ group: 'x', version: 'v1', kind: 'K', path: 'spec/image', create: false }] })
    const both = mergeConfig(one, defaults)
    expect(both).not.toBe(defaults)
    expect(both.images).toHaveLength(defaults.images.length + 1)
  })
})
