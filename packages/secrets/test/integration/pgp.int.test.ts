// The pgp key provider against the real gpg: files whose data key gpg encrypted, as sops does
// (`gpg --encrypt --armor --recipient FPR`), opened with createPgpKeyProvider; and entries the
// provider wrote, opened by gpg. Keys live in a throwaway GNUPGHOME in a temp directory.
import { execFile, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPgpKeyProvider, decrypt, encrypt, rotate } from '../../src/index.js'
import type { KeyProvider, MasterKeyEntry } from '../../src/index.js'

const run = promisify(execFile)
const hasGpg = await run('sh', ['-c', 'command -v gpg']).then(
  () => true,
  () => false,
)

const plaintext = 'apiVersion: v1\nkind: Secret\nmetadata:\n    name: db\nstringData:\n    password: test-only-hunter2\n'

describe.skipIf(!hasGpg)(`the pgp key provider against gpg${hasGpg ? '' : ' (skipped: gpg is absent)'}`, () => {
  let home: string
  const gpgArgs = (): string[] => ['--batch', '--homedir', home, '--pinentry-mode', 'loopback']
  const gpg = async (args: readonly string[], input?: Uint8Array): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const child = spawn('gpg', [...gpgArgs(), ...args], { env: { ...process.env, GNUPGHOME: home } })
      const out: Buffer[] = []
      let err = ''
      child.stdout.on('data', (c: Buffer) => out.push(c))
      child.stderr.on('data', (c: Buffer) => (err += c.toString()))
      child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`gpg ${args.join(' ')}: ${err}`))))
      child.stdin.end(input)
    })
  const keys: Record<string, { fingerprint: string; secret: string; public: string }> = {}
  const makeKey = async (name: string, passphrase = ''): Promise<void> => {
    await gpg(['--passphrase', passphrase, '--quick-gen-key', `${name} <${name}@example.com>`, 'future-default', 'default', 'never'])
    const listing = (await gpg(['--with-colons', '--list-keys', name])).toString()
    const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(listing)?.[1] as string
    keys[name] = {
      fingerprint,
      secret: (await gpg(['--passphrase', passphrase, '--armor', '--export-secret-keys', fingerprint])).toString(),
      public: (await gpg(['--armor', '--export', fingerprint])).toString(),
    }
  }
  const key = (name: string): { fingerprint: string; secret: string; public: string } => keys[name] as { fingerprint: string; secret: string; public: string }

  // What sops does with a PGP master key, through gpg itself.
  const gpgProvider: KeyProvider = {
    type: 'pgp',
    async wrap(dataKey, recipient) {
      const fp = typeof recipient === 'string' ? recipient : (recipient.fp ?? '')
      const enc = (await gpg(['--trust-model', 'always', '--no-encrypt-to', '--armor', '--encrypt', '--recipient', fp], dataKey)).toString()
      return { created_at: '2024-01-01T00:00:00Z', enc, fp }
    },
    async unwrap(entry: MasterKeyEntry) {
      try {
        return await gpg(['--passphrase', 'test-only-passphrase', '--decrypt'], Buffer.from(entry.enc ?? ''))
      } catch {
        return undefined
      }
    },
  }

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'gitops-sops-gpg-'))
    await makeKey('sops-signer')
    await makeKey('other')
    await makeKey('locked', 'test-only-passphrase')
  }, 60_000)
  afterAll(async () => {
    await run('gpgconf', ['--homedir', home, '--kill', 'gpg-agent']).catch(() => undefined)
    await rm(home, { recursive: true, force: true })
  })

  it('decrypts a file whose data key gpg encrypted, as sops writes it', async () => {
    const text = await encrypt(plaintext, { format: 'yaml', keyGroups: [{ other: { pgp: [key('sops-signer').fingerprint] } }], keyProviders: [gpgProvider] })
    expect(text).toContain('-----BEGIN PGP MESSAGE-----')
    expect(text).toContain(`fp: ${key('sops-signer').fingerprint}`)
    const pgp = await createPgpKeyProvider({ privateKeys: [key('other').secret, key('sops-signer').secret] })
    expect(new TextDecoder().decode(await decrypt(text, { format: 'yaml', keyProviders: [pgp] }))).toBe(plaintext)
  })

  it('writes entries gpg opens, and rotates a file to a new data key', async () => {
    const pgp = await createPgpKeyProvider({ publicKeys: [key('sops-signer').public], clock: { now: () => new Date('2024-02-03T04:05:06.789Z'), sleep: async () => undefined } })
    const text = await encrypt(plaintext, { format: 'yaml', keyGroups: [{ other: { pgp: [key('sops-signer').fingerprint] } }], keyProviders: [pgp] })
    expect(text).toContain('created_at: "2024-02-03T04:05:06Z"')
    expect(new TextDecoder().decode(await decrypt(text, { format: 'yaml', keyProviders: [gpgProvider] }))).toBe(plaintext)
    const opener = await createPgpKeyProvider({ privateKeys: [key('sops-signer').secret] })
    const rotated = await rotate(text, { format: 'yaml', keyProviders: [opener] })
    expect(rotated).not.toBe(text)
    expect(new TextDecoder().decode(await decrypt(rotated, { format: 'yaml', keyProviders: [gpgProvider] }))).toBe(plaintext)
  })

  it('opens a passphrase-protected key with its passphrase, and refuses a wrong one', async () => {
    const text = await encrypt(plaintext, { format: 'yaml', keyGroups: [{ other: { pgp: [key('locked').fingerprint] } }], keyProviders: [gpgProvider] })
    const pgp = await createPgpKeyProvider({ privateKeys: [key('locked').secret], passphrase: 'test-only-passphrase' })
    expect(new TextDecoder().decode(await decrypt(text, { format: 'yaml', keyProviders: [pgp] }))).toBe(plaintext)
    const err = (await createPgpKeyProvider({ privateKeys: [key('locked').secret], passphrase: 'wrong-passphrase' }).catch((e: unknown) => e)) as Error
    expect(err).toMatchObject({ code: 'SOPS_IDENTITY_INVALID', message: `privateKeys[0]: key ${key('locked').fingerprint} cannot be unlocked with the passphrase` })
    expect(err.message).not.toContain('wrong-passphrase')
    await expect(createPgpKeyProvider({ privateKeys: [key('locked').secret] })).rejects.toMatchObject({ code: 'SOPS_IDENTITY_INVALID' })
  })

  it('fails with SOPS_NO_MATCHING_KEY when no given key opens the entry, and refuses an unknown recipient', async () => {
    const text = await encrypt(plaintext, { format: 'yaml', keyGroups: [{ other: { pgp: [key('sops-signer').fingerprint] } }], keyProviders: [gpgProvider] })
    const wrong = await createPgpKeyProvider({ privateKeys: [key('other').secret] })
    await expect(decrypt(text, { format: 'yaml', keyProviders: [wrong], source: 'secret.enc.yaml' })).rejects.toMatchObject({ code: 'SOPS_NO_MATCHING_KEY', message: expect.stringMatching(/^secret\.enc\.yaml: /) as unknown })
    await expect(encrypt(plaintext, { format: 'yaml', keyGroups: [{ other: { pgp: [key('other').fingerprint] } }], keyProviders: [await createPgpKeyProvider({ publicKeys: [key('sops-signer').public] })] })).rejects.toMatchObject({ code: 'SOPS_RECIPIENT_INVALID' })
    await expect(createPgpKeyProvider({ privateKeys: ['-----BEGIN PGP PRIVATE KEY BLOCK-----\n\ngarbage\n-----END PGP PRIVATE KEY BLOCK-----'] })).rejects.toMatchObject({ code: 'SOPS_IDENTITY_INVALID' })
  })
})
