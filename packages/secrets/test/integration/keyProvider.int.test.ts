// The KeyProvider seam: an example provider for a KMS that calls out over HTTP (a tiny KMS on
// 127.0.0.1 that seals keys with AES-GCM under a key of its own), and the rules of the seam: which
// entries a provider sees, in what order, with age first, Shamir groups mixing types, a missing
// wrap, an abort and a failing KMS.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decrypt, encrypt, generateIdentity, parseIdentities } from '../../src/index.js'
import type { KeyProvider, MasterKeyEntry } from '../../src/index.js'

const plaintext = 'stringData:\n    password: test-only-kms-secret\n'
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes)

/** A KMS: POST /encrypt {key_id, plaintext} → {ciphertext}; POST /decrypt {key_id, ciphertext} → {plaintext}. */
function startKms(): Promise<{ url: string; server: Server; calls: string[]; failNext: () => void }> {
  const master = randomBytes(32)
  const calls: string[] = []
  let fail = false
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      calls.push(req.url ?? '')
      if (fail) {
        fail = false
        res.writeHead(503).end()
        return
      }
      const input = JSON.parse(body) as { key_id: string; plaintext?: string; ciphertext?: string }
      if (input.key_id !== 'projects/test/keys/sops') {
        res.writeHead(403).end()
        return
      }
      if (req.url === '/encrypt') {
        const iv = randomBytes(12)
        const cipher = createCipheriv('aes-256-gcm', master, iv)
        const sealed = Buffer.concat([iv, cipher.update(Buffer.from(input.plaintext ?? '', 'base64')), cipher.final(), cipher.getAuthTag()])
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ciphertext: sealed.toString('base64') }))
        return
      }
      const sealed = Buffer.from(input.ciphertext ?? '', 'base64')
      const decipher = createDecipheriv('aes-256-gcm', master, sealed.subarray(0, 12))
      decipher.setAuthTag(sealed.subarray(sealed.length - 16))
      const opened = Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()])
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ plaintext: opened.toString('base64') }))
    })
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, calls, failNext: () => (fail = true) }),
    ),
  )
}

/** The example provider: the `gcp_kms` entry shape (`resource_id`, `enc`, `created_at`), over HTTP. */
function httpKmsProvider(base: string): KeyProvider {
  const call = async (path: string, body: unknown, signal: AbortSignal | undefined): Promise<Record<string, string> | undefined> => {
    const res = await fetch(`${base}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, signal: signal ?? null })
    if (!res.ok) return undefined
    return (await res.json()) as Record<string, string>
  }
  return {
    type: 'gcp_kms',
    async unwrap(entry, { signal }) {
      const out = await call('/decrypt', { key_id: entry.resource_id, ciphertext: entry.enc }, signal)
      return out?.plaintext === undefined ? undefined : Buffer.from(out.plaintext, 'base64')
    },
    async wrap(key, recipient, { signal }) {
      const resourceId = typeof recipient === 'string' ? recipient : (recipient.resource_id ?? '')
      const out = await call('/encrypt', { key_id: resourceId, plaintext: Buffer.from(key).toString('base64') }, signal)
      if (out?.ciphertext === undefined) throw new Error(`${resourceId}: the KMS refused to encrypt`)
      return { resource_id: resourceId, created_at: '2024-01-01T00:00:00Z', enc: out.ciphertext }
    },
  }
}

describe('KeyProvider', () => {
  let kms: Awaited<ReturnType<typeof startKms>>
  beforeAll(async () => {
    kms = await startKms()
  })
  afterAll(async () => new Promise<void>((resolve) => kms.server.close(() => resolve())))

  it('round-trips a file through a KMS reached over HTTP, writing its entry into sops.gcp_kms', async () => {
    const provider = httpKmsProvider(kms.url)
    const encrypted = await encrypt(plaintext, { format: 'yaml', keyGroups: [{ other: { gcp_kms: ['projects/test/keys/sops'] } }], keyProviders: [provider] })
    expect(encrypted).toMatch(/\n {4}gcp_kms:\n/)
    expect(encrypted).toContain('resource_id: projects/test/keys/sops')
    expect(encrypted).not.toContain('test-only-kms-secret')
    expect(text(await decrypt(encrypted, { format: 'yaml', keyProviders: [provider] }))).toBe(plaintext)
  })

  it('moves on when the KMS cannot open an entry, and fails with SOPS_NO_MATCHING_KEY when none can', async () => {
    const provider = httpKmsProvider(kms.url)
    const encrypted = await encrypt(plaintext, { format: 'yaml', keyGroups: [{ other: { gcp_kms: ['projects/test/keys/sops'] } }], keyProviders: [provider] })
    kms.failNext()
    await expect(decrypt(encrypted, { format: 'yaml', keyProviders: [provider], source: 'kms.enc.yaml' })).rejects.toMatchObject({ code: 'SOPS_NO_MATCHING_KEY' })
    expect(text(await decrypt(encrypted, { format: 'yaml', keyProviders: [provider] }))).toBe(plaintext)
  })

  it('sees only the entries of its type, in file order, and is not asked when an age identity opens the group first', async () => {
    const age = await generateIdentity()
    const identities = await parseIdentities(age.secretKey)
    const seen: string[] = []
    const recording = (type: string, opens: string): KeyProvider => ({
      type,
      async unwrap(entry: MasterKeyEntry) {
        seen.push(`${type}:${entry.id}`)
        return entry.id === opens ? Buffer.from(entry.key ?? '', 'hex') : undefined
      },
      async wrap(key, recipient) {
        return { id: typeof recipient === 'string' ? recipient : (recipient.id ?? ''), key: Buffer.from(key).toString('hex') }
      },
    })
    const providers = [recording('hc_vault', 'v2'), recording('kms', 'none')]
    const encrypted = await encrypt(plaintext, { format: 'yaml', keyGroups: [{ age: [age.recipient], other: { hc_vault: ['v1', 'v2'], kms: ['k1'] } }], keyProviders: providers })
    expect(text(await decrypt(encrypted, { format: 'yaml', keyProviders: providers }))).toBe(plaintext)
    // sops' order within a group: age (none given here), then the other types in its list order.
    expect(seen).toEqual(['kms:k1', 'hc_vault:v1', 'hc_vault:v2'])
    seen.length = 0
    expect(text(await decrypt(encrypted, { format: 'yaml', identities, keyProviders: providers }))).toBe(plaintext)
    expect(seen).toEqual([])
  })

  it('combines Shamir shares from an age group and a provider group', async () => {
    const age = await generateIdentity()
    const identities = await parseIdentities(age.secretKey)
    const provider = httpKmsProvider(kms.url)
    const encrypted = await encrypt(plaintext, { format: 'yaml', keyGroups: [{ age: [age.recipient] }, { other: { gcp_kms: ['projects/test/keys/sops'] } }], shamirThreshold: 2, keyProviders: [provider] })
    expect(text(await decrypt(encrypted, { format: 'yaml', identities, keyProviders: [provider] }))).toBe(plaintext)
    await expect(decrypt(encrypted, { format: 'yaml', identities })).rejects.toMatchObject({ code: 'SOPS_SHAMIR_THRESHOLD_NOT_MET' })
  })

  it('refuses to encrypt for a type no provider can wrap, and rethrows an abort untouched', async () => {
    const unwrapOnly: KeyProvider = { type: 'azure_kv', unwrap: async () => undefined }
    await expect(encrypt(plaintext, { format: 'yaml', keyGroups: [{ other: { azure_kv: ['https://vault/keys/k'] } }], keyProviders: [unwrapOnly] })).rejects.toMatchObject({ code: 'SOPS_KEY_PROVIDER_MISSING' })
    const provider = httpKmsProvider(kms.url)
    const encrypted = await encrypt(plaintext, { format: 'yaml', keyGroups: [{ other: { gcp_kms: ['projects/test/keys/sops'] } }], keyProviders: [provider] })
    const controller = new AbortController()
    const reason = new Error('stopped by the test')
    const aborting: KeyProvider = {
      type: 'gcp_kms',
      async unwrap(_entry, { signal }) {
        controller.abort(reason)
        signal?.throwIfAborted()
        return undefined
      },
    }
    await expect(decrypt(encrypted, { format: 'yaml', keyProviders: [aborting], signal: controller.signal })).rejects.toBe(reason)
  })
})
