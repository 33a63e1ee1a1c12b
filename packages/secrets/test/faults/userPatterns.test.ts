// The regular expressions of `.sops.yaml` and of the encryption rules (path_regex,
// encrypted_regex, unencrypted_regex and the comment ones) are Go's (RE2), as sops compiles them:
// Go's syntax, time linear in the input, a pattern Go rejects refused typed. The pathological
// cases run from the sources in a child process (testing/isolated.ts), bounded: not timing tests.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runIsolated } from '../../../../testing/isolated.js'
import { encrypt, generateIdentity, loadCreationRule } from '../../src/index.js'

const here = fileURLToPath(new URL('.', import.meta.url))
const age = 'age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw'
let root: string
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sops-patterns-'))
})
afterAll(() => rm(root, { recursive: true, force: true }))

async function ruleFor(file: string, pathRegex: string): Promise<unknown> {
  await writeFile(join(root, '.sops.yaml'), `creation_rules:\n- path_regex: ${JSON.stringify(pathRegex)}\n  age: ${age}\n`)
  return loadCreationRule(file, { start: root }).then(
    (rule) => rule?.pathRegex,
    (e: unknown) => e,
  )
}

describe('sops patterns are Go regular expressions', () => {
  it.for([
    { name: 'a named group', pattern: '(?P<env>prod)/.*\\.yaml$', file: 'prod/db.yaml' },
    { name: 'a flag group mid-pattern', pattern: 'prod/(?i)DB', file: 'prod/db.yaml' },
    { name: 'a Unicode class', pattern: '^\\pL+/', file: 'prödüktion/db.yaml' },
    { name: 'a POSIX class', pattern: 'v[[:digit:]]+\\.yaml\\z', file: 'v12.yaml' },
    { name: 'quoted text', pattern: '\\Q.enc.\\E', file: 'db.enc.yaml' },
  ])('path_regex with $name', async ({ pattern, file }) => {
    expect(await ruleFor(file, pattern)).toBe(pattern)
  })

  it.for([
    { name: 'a lookahead', pattern: 'prod(?=/)' },
    { name: 'a backreference', pattern: '(p)\\1' },
  ])('refuses a path_regex with $name, typed', async ({ pattern }) => {
    expect(await ruleFor('prod/db.yaml', pattern)).toMatchObject({ code: 'SOPS_CONFIG_INVALID', message: expect.stringContaining('invalid regular expression') as unknown })
  })

  it('selects non-ASCII keys by encrypted_regex as Go does', async () => {
    const { recipient } = await generateIdentity()
    const out = await encrypt('clé: a\nclef: b\nkey😀: c\n', { format: 'yaml', recipients: [recipient], rules: { encryptedRegex: '^cl.$|^key.$' } })
    expect(out).toMatch(/^clé: ENC\[/m)
    expect(out).toMatch(/^clef: b$/m)
    expect(out).toMatch(/^key😀: ENC\[/m)
  })

  it('refuses an encrypted_regex Go rejects, typed', async () => {
    const { recipient } = await generateIdentity()
    await expect(encrypt('a: b\n', { format: 'yaml', recipients: [recipient], rules: { encryptedRegex: '(?<=x)a' } })).rejects.toMatchObject({ code: 'SOPS_METADATA_INVALID' })
  })
})

describe('sops patterns on pathological input', () => {
  it('answers nested quantifiers in path_regex and encrypted_regex at once', async () => {
    const run = await runIsolated(`
      import { mkdtemp, writeFile } from 'node:fs/promises'
      import { tmpdir } from 'node:os'
      import { join } from 'node:path'
      import { encrypt, generateIdentity, loadCreationRule } from '../../src/index.js'
      const root = await mkdtemp(join(tmpdir(), 'sops-patterns-'))
      await writeFile(join(root, '.sops.yaml'), 'creation_rules:\\n- path_regex: "^(a+)+$"\\n  age: ${age}\\n- age: ${age}\\n')
      const rule = await loadCreationRule('a'.repeat(3000) + 'b', { start: root })
      const { recipient } = await generateIdentity()
      const key = 'x'.repeat(1000)
      const out = await encrypt(key + ': v\\n', { format: 'yaml', recipients: [recipient], rules: { encryptedRegex: '(x+x+)+y' } })
      console.log(rule.pathRegex === undefined, out.startsWith(key + ': v'))`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('true true')
  })
})
