// The sops commands of the CLI against real parts: `.sops.yaml` creation rules and
// SOPS_AGE_RECIPIENTS for `gitops encrypt`, PGP keys made by the real gpg (data keys gpg wrapped, as
// sops does, opened by `gitops decrypt --pgp-key-file`; entries gitops wrote opened by gpg),
// `gitops rotate` and `gitops updatekeys` on sops' own conformance vectors and on files written here.
import { spawn } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decrypt, encrypt, generateIdentity, parseIdentities, readKeyGroups } from '@gitops-sdk/secrets'
import type { KeyProvider } from '@gitops-sdk/secrets'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sharedPath } from '../../../../testing/sharedDir.js'
import { run } from '../helpers/run.js'

const hasGpg = await new Promise<boolean>((resolve) => {
  const child = spawn('gpg', ['--version'], { stdio: 'ignore' })
  child.on('error', () => resolve(false))
  child.on('close', (code) => resolve(code === 0))
})
const vectors = sharedPath('conformance/sops/vectors')
const plaintext = 'apiVersion: v1\nkind: Secret\nmetadata:\n    name: db\nstringData:\n    password: test-only-hunter2\n'

let root: string
let home: string
const keys: Record<string, { fingerprint: string; secret: string; public: string }> = {}
const age = { a: { recipient: '', secretKey: '' }, b: { recipient: '', secretKey: '' }, c: { recipient: '', secretKey: '' } }

function gpg(args: readonly string[], input?: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('gpg', ['--batch', '--homedir', home, '--pinentry-mode', 'loopback', ...args], { env: { PATH: process.env.PATH ?? '', GNUPGHOME: home } })
    const out: Buffer[] = []
    let err = ''
    child.stdout.on('data', (c: Buffer) => out.push(c))
    child.stderr.on('data', (c: Buffer) => (err += c.toString()))
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`gpg ${args.join(' ')}: ${err}`))))
    child.stdin.end(input)
  })
}

async function makeKey(name: string, passphrase: string): Promise<void> {
  await gpg(['--passphrase', passphrase, '--quick-gen-key', `${name} <${name}@example.com>`, 'future-default', 'default', 'never'])
  const listing = (await gpg(['--with-colons', '--list-keys', name])).toString()
  const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(listing)?.[1] ?? ''
  keys[name] = {
    fingerprint,
    secret: (await gpg(['--passphrase', passphrase, '--armor', '--export-secret-keys', fingerprint])).toString(),
    public: (await gpg(['--armor', '--export', fingerprint])).toString(),
  }
  await writeFile(join(root, `${name}.secret.asc`), keys[name].secret)
  await writeFile(join(root, `${name}.public.asc`), keys[name].public)
}

const key = (name: string): { fingerprint: string; secret: string; public: string } => keys[name] ?? { fingerprint: '', secret: '', public: '' }

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gitops-sops-cli-'))
  home = join(root, 'gnupg')
  await mkdir(home, { mode: 0o700 })
  for (const name of ['a', 'b', 'c'] as const) {
    age[name] = await generateIdentity()
    await writeFile(join(root, `${name}.agekey`), age[name].secretKey)
  }
  if (hasGpg) {
    await makeKey('ops', '')
    await makeKey('locked', 'test-only-passphrase')
  }
  await mkdir(join(root, 'clusters/prod'), { recursive: true })
  await mkdir(join(root, 'clusters/dev'), { recursive: true })
  await writeFile(join(root, 'clusters/prod/db.yaml'), plaintext)
  await writeFile(join(root, 'clusters/dev/db.yaml'), plaintext)
}, 60_000)

afterAll(() => rm(root, { recursive: true, force: true }))

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes)
/** A one-line field of a YAML file's sops metadata (mac, lastmodified, encrypted_regex, …). */
const sopsField = (yaml: string, name: string): string | undefined => new RegExp(`^sops:[\\s\\S]*?^    ${name}: (.*)$`, 'm').exec(yaml)?.[1]

describe('gitops encrypt with .sops.yaml and SOPS_AGE_RECIPIENTS', () => {
  it('uses the creation rule that matches the file, found from the working directory upward', async () => {
    await writeFile(
      join(root, '.sops.yaml'),
      `creation_rules:\n  - path_regex: clusters/prod/.*\\.yaml$\n    encrypted_regex: ^(data|stringData)$\n    age: ${age.a.recipient},${age.b.recipient}\n  - unencrypted_suffix: _plain\n    age: ${age.c.recipient}\n`,
    )
    const prod = await run(['encrypt', 'prod/db.yaml'], { cwd: join(root, 'clusters') })
    expect(prod.error).toBeUndefined()
    expect(sopsField(prod.out, 'encrypted_regex')).toBe('^(data|stringData)$')
    expect(readKeyGroups(prod.out, { format: 'yaml' })).toEqual([{ age: [age.a.recipient, age.b.recipient] }])
    expect(prod.out).toContain('kind: Secret') // outside encrypted_regex
    expect(prod.out).not.toContain('test-only-hunter2')
    for (const who of [age.a, age.b]) expect(text(await decrypt(prod.out, { format: 'yaml', identities: await parseIdentities(who.secretKey) }))).toBe(plaintext)

    const dev = await run(['encrypt', 'clusters/dev/db.yaml'], { cwd: root })
    expect(readKeyGroups(dev.out, { format: 'yaml' })).toEqual([{ age: [age.c.recipient] }])
    expect(sopsField(dev.out, 'unencrypted_suffix')).toBe('_plain')
    expect(dev.out).not.toContain('kind: Secret')
  })

  it('takes SOPS_AGE_RECIPIENTS (and --age) over the rule’s keys but keeps its selector, as sops', async () => {
    const env = await run(['encrypt', 'clusters/prod/db.yaml'], { cwd: root, env: { SOPS_AGE_RECIPIENTS: ` ${age.c.recipient} ` } })
    expect(env.error).toBeUndefined()
    expect(readKeyGroups(env.out, { format: 'yaml' })).toEqual([{ age: [age.c.recipient] }])
    expect(sopsField(env.out, 'encrypted_regex')).toBe('^(data|stringData)$')
    const flag = await run(['encrypt', 'clusters/prod/db.yaml', '--age', age.b.recipient], { cwd: root, env: { SOPS_AGE_RECIPIENTS: age.c.recipient } })
    expect(readKeyGroups(flag.out, { format: 'yaml' })).toEqual([{ age: [age.b.recipient] }])
  })

  it('refuses a file no rule matches, naming the config, and a flag selector on top of the rule’s', async () => {
    const config = join(root, 'only-json', '.sops.yaml')
    await mkdir(join(root, 'only-json'), { recursive: true })
    await writeFile(config, `creation_rules: [{path_regex: '\\.json$', age: ${age.a.recipient}}]\n`)
    await writeFile(join(root, 'only-json/s.yaml'), plaintext)
    const missed = await run(['encrypt', 's.yaml', '--age', age.a.recipient], { cwd: join(root, 'only-json') })
    expect(missed.code).toBe(2)
    expect(missed.error).toMatchObject({ code: 'SOPS_CONFIG_NO_MATCHING_RULE', message: `${config}: no creation rule matches s.yaml` })
    expect(missed.out).toBe('')
    const two = await run(['encrypt', 'clusters/prod/db.yaml', '--unencrypted-suffix', '_x'], { cwd: root })
    expect(two.error).toMatchObject({ code: 'SOPS_METADATA_INVALID' })
  })
})

describe.skipIf(!hasGpg)(`PGP keys with the real gpg${hasGpg ? '' : ' (skipped: gpg is absent)'}`, () => {
  // What sops does with a PGP master key, through gpg itself.
  const gpgProvider: KeyProvider = {
    type: 'pgp',
    async wrap(dataKey, recipient) {
      const fp = typeof recipient === 'string' ? recipient : (recipient.fp ?? '')
      const enc = (await gpg(['--trust-model', 'always', '--no-encrypt-to', '--armor', '--encrypt', '--recipient', fp], dataKey)).toString()
      return { created_at: '2024-01-01T00:00:00Z', enc, fp }
    },
    async unwrap() {
      return undefined
    },
  }

  it('gitops decrypt --pgp-key-file opens data keys gpg encrypted, with --pgp-passphrase-env for a protected key', async () => {
    const file = join(root, 'gpg.enc.yaml')
    await writeFile(file, await encrypt(plaintext, { format: 'yaml', keyGroups: [{ other: { pgp: [key('ops').fingerprint] } }], keyProviders: [gpgProvider] }))
    const opened = await run(['decrypt', 'gpg.enc.yaml', '--pgp-key-file', 'ops.secret.asc'], { cwd: root })
    expect(opened.error).toBeUndefined()
    expect(opened.out).toBe(plaintext)

    const locked = join(root, 'locked.enc.json')
    await writeFile(locked, await encrypt(JSON.stringify({ password: 'test-only-hunter2' }), { format: 'json', keyGroups: [{ other: { pgp: [key('locked').fingerprint] } }], keyProviders: [gpgProvider] }))
    const unlocked = await run(['decrypt', 'locked.enc.json', '--pgp-key-file', 'locked.secret.asc', '--pgp-passphrase-env', 'PGP_PASS'], { cwd: root, env: { PGP_PASS: 'test-only-passphrase' } })
    expect(unlocked.error).toBeUndefined()
    expect(JSON.parse(unlocked.out)).toEqual({ password: 'test-only-hunter2' })

    const wrong = await run(['decrypt', 'gpg.enc.yaml', '--pgp-key-file', 'locked.secret.asc', '--pgp-passphrase-env', 'PGP_PASS'], { cwd: root, env: { PGP_PASS: 'test-only-passphrase' } })
    expect(wrong.error).toMatchObject({ code: 'SOPS_NO_MATCHING_KEY' })
    expect(wrong.out + wrong.err).not.toContain('test-only-hunter2')
    expect(wrong.err).not.toContain('test-only-passphrase')
  })

  it('gitops encrypt --pgp writes entries the real gpg opens, and rotate -i re-wraps them', async () => {
    await writeFile(join(root, 'clusters/dev/db.json'), JSON.stringify({ password: 'test-only-hunter2' }))
    const enc = await run(['encrypt', 'clusters/dev/db.json', '--pgp', key('ops').fingerprint, '--pgp-key-file', 'ops.public.asc', '--age', age.a.recipient], { cwd: root })
    expect(enc.error).toBeUndefined()
    const entry = (JSON.parse(enc.out) as { sops: { pgp: { fp: string; enc: string }[] } }).sops.pgp[0]
    expect(entry?.fp).toBe(key('ops').fingerprint)
    const dataKey = await gpg(['--decrypt'], Buffer.from(entry?.enc ?? ''))
    expect(dataKey.byteLength).toBe(32)

    const file = join(root, 'clusters/dev/db.enc.json')
    await writeFile(file, enc.out)
    const rotated = await run(['rotate', '-i', 'clusters/dev/db.enc.json', '--pgp-key-file', 'ops.secret.asc'], { cwd: root })
    expect(rotated.error).toBeUndefined()
    expect(rotated.err).toBe('clusters/dev/db.enc.json: rotated\n')
    const after = await readFile(file, 'utf8')
    const newEntry = (JSON.parse(after) as { sops: { pgp: { enc: string }[] } }).sops.pgp[0]
    const newKey = await gpg(['--decrypt'], Buffer.from(newEntry?.enc ?? ''))
    expect(newKey.equals(dataKey)).toBe(false)
    expect(readKeyGroups(after, { format: 'json' })).toEqual(readKeyGroups(enc.out, { format: 'json' }))
    expect(JSON.parse(text(await decrypt(after, { format: 'json', identities: await parseIdentities(age.a.secretKey) })))).toEqual({ password: 'test-only-hunter2' })
  })
})

describe('gitops rotate and updatekeys', () => {
  it('rotate keeps the plaintext and the keys of a file sops wrote, with a new data key and MAC', async () => {
    if (vectors === undefined) return
    await copyFile(join(vectors, 'sops-pr1031-example.yaml'), join(root, 'vector.yaml'))
    await copyFile(join(vectors, 'keys-sops-repo-age.txt'), join(root, 'vector.agekey'))
    const before = await readFile(join(root, 'vector.yaml'), 'utf8')
    const identities = await parseIdentities(await readFile(join(root, 'vector.agekey'), 'utf8'))
    const rotated = await run(['rotate', 'vector.yaml', '--age-key-file', 'vector.agekey'], { cwd: root })
    expect(rotated.error).toBeUndefined()
    expect(await readFile(join(root, 'vector.yaml'), 'utf8')).toBe(before) // printed, not written
    expect(readKeyGroups(rotated.out, { format: 'yaml' })).toEqual(readKeyGroups(before, { format: 'yaml' }))
    expect(sopsField(rotated.out, 'mac')).toMatch(/^ENC\[/)
    expect(sopsField(rotated.out, 'mac')).not.toBe(sopsField(before, 'mac'))
    expect(text(await decrypt(rotated.out, { format: 'yaml', identities }))).toBe(text(await decrypt(before, { format: 'yaml', identities })))
  })

  it('rotate --add-age and --rm-age change the recipients', async () => {
    const file = join(root, 'add.enc.yaml')
    await writeFile(file, await encrypt(plaintext, { format: 'yaml', recipients: [age.a.recipient, age.b.recipient] }))
    const r = await run(['rotate', 'add.enc.yaml', '--age-key-file', 'a.agekey', '--add-age', age.c.recipient, '--rm-age', age.b.recipient], { cwd: root })
    expect(r.error).toBeUndefined()
    expect(readKeyGroups(r.out, { format: 'yaml' })).toEqual([{ age: [age.a.recipient, age.c.recipient] }])
    expect(text(await decrypt(r.out, { format: 'yaml', identities: await parseIdentities(age.c.secretKey) }))).toBe(plaintext)
  })

  it('updatekeys lists the changes, writes them only with --yes, and keeps values, MAC and lastmodified', async () => {
    const dir = join(root, 'update')
    await mkdir(dir, { recursive: true })
    await writeFile(join(dir, '.sops.yaml'), `creation_rules:\n  - path_regex: \\.enc\\.yaml$\n    age: ${age.a.recipient},${age.c.recipient}\n`)
    const file = join(dir, 'db.enc.yaml')
    const original = await encrypt(plaintext, { format: 'yaml', recipients: [age.a.recipient, age.b.recipient] })
    await writeFile(file, original)

    const preview = await run(['updatekeys', 'db.enc.yaml', '--age-key-file', '../a.agekey'], { cwd: dir })
    expect(preview.error).toBeUndefined()
    expect(preview.out).toBe(`The following changes will be made to the file's groups:\nGroup 1\n+++ age: ${age.c.recipient}\n--- age: ${age.b.recipient}\n`)
    expect(await readFile(file, 'utf8')).toBe(original)

    const written = await run(['updatekeys', '-y', 'db.enc.yaml', '--age-key-file', '../a.agekey'], { cwd: dir })
    expect(written.error).toBeUndefined()
    expect(written.err).toBe('db.enc.yaml: keys updated\n')
    const updated = await readFile(file, 'utf8')
    expect(readKeyGroups(updated, { format: 'yaml' })).toEqual([{ age: [age.a.recipient, age.c.recipient] }])
    for (const field of ['mac', 'lastmodified']) {
      expect(sopsField(updated, field)).toBeDefined()
      expect(sopsField(updated, field)).toBe(sopsField(original, field))
    }
    expect(text(await decrypt(updated, { format: 'yaml', identities: await parseIdentities(age.c.secretKey) }))).toBe(plaintext)
    await expect(decrypt(updated, { format: 'yaml', identities: await parseIdentities(age.b.secretKey) })).rejects.toMatchObject({ code: 'SOPS_NO_MATCHING_KEY' })

    const again = await run(['updatekeys', '-y', 'db.enc.yaml'], { cwd: dir })
    expect(again.err).toBe('db.enc.yaml: already up to date\n')
  })
})
