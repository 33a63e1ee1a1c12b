import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { vectorsDir } from '../test/helpers/vectors.js'
import { decrypt } from './decrypt.js'
import { encrypt } from './encrypt.js'
import { generateIdentity } from './generateIdentity.js'
import { openAgeFile, sealAgeFile } from './internal/ageFile.js'
import type { FileKeyUnwrapper } from './internal/ageFile.js'
import { secretOf } from './internal/ageIdentity.js'
import { parseSshRecipient } from './internal/ssh.js'
import { parseIdentities } from './parseIdentities.js'

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes)

function sshKeygen(type: 'ed25519' | 'rsa'): { privateKey: string; publicKey: string } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'test-only-ssh-'))
  try {
    const file = join(dir, 'id')
    execFileSync('ssh-keygen', ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '2048'] : []), '-N', '', '-C', 'test-only', '-f', file], { stdio: 'ignore' })
    return { privateKey: readFileSync(file, 'utf8'), publicKey: readFileSync(`${file}.pub`, 'utf8').trim() }
  } catch {
    return undefined
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe('parseIdentities', () => {
  it('reads several identities per line and per file, skipping comments', async () => {
    const [a, b, c] = [await generateIdentity(), await generateIdentity(), await generateIdentity({ kind: 'hybrid' })]
    const ids = await parseIdentities(`# created: test-only\n${a.secretKey} ${b.secretKey}\n\n${c.secretKey}\n`)
    expect(ids.map((i) => [i.kind, i.recipient])).toEqual([
      ['x25519', a.recipient],
      ['x25519', b.recipient],
      ['hybrid', c.recipient],
    ])
  })

  it('never shows the secret when printed or serialised', async () => {
    const { secretKey } = await generateIdentity()
    const [id] = await parseIdentities(secretKey)
    expect(JSON.stringify(id)).not.toContain('AGE-SECRET-KEY')
    expect(Object.keys(id!)).toEqual(['kind', 'recipient'])
  })

  it('refuses a line that is not an identity, naming the source and line but not the line', async () => {
    const err = await parseIdentities('# ok\nAGE-SECRET-KEY-1NOTAKEY\n', { source: 'keys.txt' }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'SOPS_IDENTITY_INVALID', message: 'keys.txt: line 2: malformed age identity' })
    await expect(parseIdentities('hello')).rejects.toMatchObject({ code: 'SOPS_IDENTITY_INVALID' })
  })

  it.skipIf(vectorsDir === undefined)('opens a passphrase-protected identity file, asking for the passphrase only then', async () => {
    const file = readFileSync(join(vectorsDir ?? '', 'age-keysource-test-identity-scrypt.age'), 'utf8')
    let asked = 0
    const ids = await parseIdentities(file, { passphrase: () => (asked++, 'passphrase') })
    expect(asked).toBe(1)
    expect(ids[0]?.recipient).toBe('age1lzd99uklcjnc0e7d860axevet2cz99ce9pq6tzuzd05l5nr28ams36nvun')
    await expect(parseIdentities(file)).rejects.toMatchObject({ code: 'SOPS_IDENTITY_INVALID' })
  })

  it.skipIf(vectorsDir === undefined)('reads an OpenSSH ed25519 key with the recipient of its public key', async () => {
    const dir = vectorsDir ?? ''
    const [id] = await parseIdentities(readFileSync(join(dir, 'age-keysource-test-ssh-ed25519.key'), 'utf8'))
    const pub = readFileSync(join(dir, 'age-keysource-test-ssh-ed25519.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ')
    expect(id).toMatchObject({ kind: 'ssh-ed25519', recipient: pub })
    const enc = await encrypt('a: b\n', { format: 'yaml', recipients: [pub] })
    expect(text(await decrypt(enc, { format: 'yaml', identities: [id!] }))).toBe('a: b\n')
  })

  const keys = { ed25519: sshKeygen('ed25519'), rsa: sshKeygen('rsa') }
  it.for(['ed25519', 'rsa'] as const)('round-trips through a generated ssh-%s key', async (type, { skip }) => {
    const key = keys[type]
    if (key === undefined) return skip()
    const enc = await encrypt('A=1\n', { format: 'dotenv', recipients: [key.publicKey] })
    expect(enc).toContain(`sops_age__list_0__map_recipient=ssh-${type}`)
    const ids = await parseIdentities(key.privateKey)
    expect(text(await decrypt(enc, { format: 'dotenv', identities: ids }))).toBe('A=1\n')
  })
  it('refuses an ssh-rsa stanza whose file key is not 16 bytes', async ({ skip }) => {
    const key = keys.rsa
    if (key === undefined) return skip()
    const [id] = await parseIdentities(key.privateKey)
    const identity = secretOf(id!) as FileKeyUnwrapper
    const recipient = parseSshRecipient(key.publicKey)
    expect(await identity.unwrapFileKey(recipient.wrapFileKey(new Uint8Array(16).fill(1)))).toEqual(new Uint8Array(16).fill(1))
    for (const n of [0, 5, 32]) {
      const stanzas = recipient.wrapFileKey(new Uint8Array(n).fill(1))
      await expect(Promise.resolve().then(() => identity.unwrapFileKey(stanzas)), String(n)).rejects.toThrow(/^invalid ssh-rsa stanza$/)
      // A whole file (its MAC made with the real 16-byte key) is refused too.
      const file = sealAgeFile(new Uint8Array([1]), [{ wrapFileKey: () => stanzas }])
      await expect(openAgeFile(file, [identity]), String(n)).rejects.toThrow(/invalid ssh-rsa stanza/)
    }
  })

  it('does not quote the key type of an SSH key it cannot use when that type may be key material', async () => {
    const str = (b: Buffer): Buffer => Buffer.concat([Buffer.alloc(4, 0), b]).fill(b.length, 3, 4)
    const text = (t: string): Buffer => str(Buffer.from(t))
    const u32 = (n: number): Buffer => Buffer.from([0, 0, 0, n])
    const secret = 'test-only key material'
    const priv = Buffer.concat([u32(7), u32(7), text(secret)])
    const blob = Buffer.concat([Buffer.from('openssh-key-v1\0'), text('none'), text('none'), text(''), u32(1), text(''), str(priv)])
    const pem = `-----BEGIN OPENSSH PRIVATE KEY-----\n${blob.toString('base64')}\n-----END OPENSSH PRIVATE KEY-----\n`
    const error: unknown = await parseIdentities(pem).then(
      () => undefined,
      (err: unknown) => err,
    )
    expect(error).toMatchObject({ code: 'SOPS_IDENTITY_INVALID' })
    expect(JSON.stringify({ message: (error as Error).message, json: error })).not.toContain(secret)
  })
})
