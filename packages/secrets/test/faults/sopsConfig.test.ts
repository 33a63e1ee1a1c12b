// Bad .sops.yaml files against loadCreationRule: each is SOPS_CONFIG_INVALID or
// SOPS_CONFIG_NO_MATCHING_RULE naming the config file, no prototype changes, the config untouched.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runIsolated } from '../../../../testing/isolated.js'
import { assertNoPollution, plantedProperty } from '../../../../testing/pollution.js'
import { loadCreationRule } from '../../src/index.js'

let root: string
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sops-config-faults-'))
})
afterAll(() => rm(root, { recursive: true, force: true }))

const age = 'age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw'
const cases: readonly (readonly [string, string, string, RegExp])[] = [
  ['YAML that does not parse', 'creation_rules: [\n', 'SOPS_CONFIG_INVALID', /not valid YAML/],
  ['creation_rules that is no list', 'creation_rules: {age: x}\n', 'SOPS_CONFIG_INVALID', /creation_rules: expected a list/],
  ['two selectors in one rule', `creation_rules: [{age: ${age}, encrypted_regex: a, unencrypted_suffix: b}]\n`, 'SOPS_CONFIG_INVALID', /cannot use more than one of/],
  ['a bad path_regex', 'creation_rules: [{path_regex: "(", age: x}]\n', 'SOPS_CONFIG_INVALID', /path_regex: invalid regular expression/],
  ['a bad encrypted_regex', `creation_rules: [{age: ${age}, encrypted_regex: "[" }]\n`, 'SOPS_CONFIG_INVALID', /encrypted_regex: invalid regular expression/],
  ['an age key that is a number', 'creation_rules: [{age: [1]}]\n', 'SOPS_CONFIG_INVALID', /age\[0\]: expected a string/],
  ['a key group that is a string', 'creation_rules: [{key_groups: [x]}]\n', 'SOPS_CONFIG_INVALID', /key_groups\[0\]: expected a mapping/],
  ['a kms entry without arn', 'creation_rules: [{key_groups: [{kms: [{role: r}]}]}]\n', 'SOPS_CONFIG_INVALID', /kms\[0\]: expected a mapping with arn/],
  ['a threshold that is text', `creation_rules: [{age: ${age}, shamir_threshold: two}]\n`, 'SOPS_CONFIG_INVALID', /shamir_threshold/],
  ['no rule for the file', `creation_rules: [{path_regex: '\\.json$', age: ${age}}]\n`, 'SOPS_CONFIG_NO_MATCHING_RULE', /no creation rule matches secret\.yaml/],
  ['YAML nested past what the parser composes', `creation_rules: ${'['.repeat(600)}${']'.repeat(600)}\n`, 'SOPS_CONFIG_INVALID', /: not valid YAML: line 1: nested more than 512 levels deep, the deepest the YAML parser composes$/],
  ['merges nested past the bound', `creation_rules: [{key_groups: [${'{merge: ['.repeat(12)}{age: ${age}}${']}'.repeat(12)}]}]\n`, 'SOPS_CONFIG_INVALID', /nests too deep/],
]

describe('loadCreationRule faults', () => {
  it.each(cases)('%s', async (_name, config, code, message) => {
    const path = join(root, '.sops.yaml')
    await writeFile(path, config)
    const error = await loadCreationRule('secret.yaml', { start: root }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code, details: { path } })
    expect((error as Error).message.startsWith(`${path}: `)).toBe(true)
    expect((error as Error).message).toMatch(message)
    expect(await readFile(path, 'utf8')).toBe(config)
  })

  it('reads prototype keys as plain data', async () => {
    const path = join(root, '.sops.yaml')
    await writeFile(path, `__proto__: {${plantedProperty}: 1}\ncreation_rules:\n  - constructor: {prototype: {${plantedProperty}: 1}}\n    __proto__: {age: x}\n    age: ${age}\n`)
    await expect(loadCreationRule('a.yaml', { start: root })).resolves.toMatchObject({ keyGroups: [{ age: [age] }] })
    assertNoPollution()
  })

  it('stops at once on an aborted signal', async () => {
    const signal = AbortSignal.abort(new Error('stop'))
    await expect(loadCreationRule('a.yaml', { start: root, signal })).rejects.toThrow('stop')
  })
})

describe('loadCreationRule on YAML that aborted Node', () => {
  it('refuses nesting 100,000 deep (flow, `- ` entries) as SOPS_CONFIG_INVALID naming the file, in a child process', async () => {
    // In a child: a regression aborts the process ("RegExpCompiler Allocation failed"), not the runner.
    const run = await runIsolated(
      `
      import { loadCreationRule } from './src/index.ts'
      const texts = ['creation_rules: ' + '['.repeat(1e5), \`creation_rules:\n\${'- '.repeat(2e5)}\n\`]
      for (const text of texts) {
        const readFile = async (path) => (path === '/repo/.sops.yaml' ? text : undefined)
        const error = await loadCreationRule('secret.yaml', { start: '/repo', readFile }).then(() => undefined, (e) => e)
        console.log(JSON.stringify({ code: error?.code, message: error?.message, path: error?.details?.path }))
      }
    `,
      fileURLToPath(new URL('../..', import.meta.url)),
    )
    expect(run.stderr).not.toMatch(/FATAL|RangeError/u)
    expect([run.status, run.signal]).toEqual([0, null])
    const outcomes = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { code?: string; message?: string; path?: string })
    expect(outcomes).toHaveLength(2)
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ code: 'SOPS_CONFIG_INVALID', path: '/repo/.sops.yaml' })
      expect(outcome.message).toMatch(/^\/repo\/\.sops\.yaml: not valid YAML: line [12]: nested more than \d+ levels deep/u)
    }
  })
})
