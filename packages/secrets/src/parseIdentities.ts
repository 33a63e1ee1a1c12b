import { SopsError } from './errors.js'
import { makeIdentity, x25519Identity } from './internal/ageIdentity.js'
import { parseSshPrivateKey } from './internal/ssh.js'
import type { AgeIdentity } from './types.js'

/** Options of {@link parseIdentities}. */
export interface ParseIdentitiesOptions {
  /** Where the text came from (a path or an environment variable name), named in errors. @defaultValue `'<identities>'` */
  readonly source?: string | undefined
  /**
   * The passphrase of a passphrase-protected (scrypt) identity file, or a function asked for it
   * only when one is met.
   */
  readonly passphrase?: string | (() => string | Promise<string>) | undefined
  /** Cancels the operation: it stops promptly and rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
}

function invalid(source: string, why: string, cause?: unknown): SopsError {
  return new SopsError({ code: 'SOPS_IDENTITY_INVALID', message: `${source}: ${why}`, details: { source }, cause })
}

async function parseLine(word: string, source: string, line: number): Promise<AgeIdentity> {
  if (word.startsWith('AGE-SECRET-KEY-PQ-1')) {
    // age-encryption (an ES module graph that is slow to compile) only for what node:crypto
    // cannot do here: the post-quantum keys and passphrase files.
    const { identityToRecipient } = await import('age-encryption')
    let recipient: string
    try {
      recipient = await identityToRecipient(word)
    } catch {
      // No cause: age-encryption's bech32 errors quote the whole key ("Invalid checksum in AGE-SECRET-KEY-PQ-1…").
      throw invalid(source, `line ${line}: malformed post-quantum age identity`)
    }
    return makeIdentity('hybrid', recipient, word)
  }
  if (word.startsWith('AGE-SECRET-KEY-1')) {
    const identity = x25519Identity(word)
    if (identity === undefined) throw invalid(source, `line ${line}: malformed age identity`)
    return identity
  }
  if (word.startsWith('AGE-PLUGIN-')) throw invalid(source, `line ${line}: age plugin identities are not supported`)
  throw invalid(source, `line ${line}: not an age identity (expected AGE-SECRET-KEY-1…)`)
}

async function decryptIdentityFile(text: string, options: ParseIdentitiesOptions, source: string): Promise<string> {
  const given = options.passphrase
  if (given === undefined) throw invalid(source, 'the identity file is passphrase-protected and no passphrase was given')
  const passphrase = typeof given === 'string' ? given : await given()
  options.signal?.throwIfAborted()
  const { armor, Decrypter } = await import('age-encryption')
  const decrypter = new Decrypter()
  decrypter.addPassphrase(passphrase)
  try {
    const file = text.startsWith('-----BEGIN AGE ENCRYPTED FILE-----') ? armor.decode(text) : new TextEncoder().encode(text)
    return await decrypter.decrypt(file, 'text')
  } catch (cause) {
    throw invalid(source, 'cannot decrypt the passphrase-protected identity file (wrong passphrase?)', cause)
  }
}

/**
 * Parses age identities: an identity file (`AGE-SECRET-KEY-1…` and `AGE-SECRET-KEY-PQ-1…` lines,
 * several per line allowed, `#` comments), a passphrase-protected (scrypt) identity file, or an
 * unencrypted OpenSSH private key (ed25519 or RSA), as sops reads each of its key sources.
 *
 * @throws `SOPS_IDENTITY_INVALID` naming the source and line (never the key).
 * @example
 * ```ts
 * const identities = await parseIdentities(await readFile('keys.txt', 'utf8'), { source: 'keys.txt' })
 * console.log(identities.map((i) => i.recipient))
 * ```
 */
export async function parseIdentities(text: string, options: ParseIdentitiesOptions = {}): Promise<AgeIdentity[]> {
  if (typeof text !== 'string') throw new TypeError('parseIdentities: text must be a string')
  options.signal?.throwIfAborted()
  const source = options.source ?? '<identities>'
  const trimmed = text.trim()
  if (trimmed.startsWith('age-encryption.org/') || trimmed.startsWith('-----BEGIN AGE ENCRYPTED FILE-----')) {
    const plain = await decryptIdentityFile(trimmed, options, source)
    return parseIdentities(plain, { source, signal: options.signal })
  }
  if (trimmed.includes('-----BEGIN OPENSSH PRIVATE KEY-----')) {
    try {
      const ssh = parseSshPrivateKey(trimmed)
      return [makeIdentity(ssh.type, ssh.recipient, ssh)]
    } catch (cause) {
      throw invalid(source, `cannot use the SSH key: ${(cause as Error).message}`, cause)
    }
  }
  const identities: AgeIdentity[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim()
    if (line === '' || line.startsWith('#')) continue
    for (const word of line.split(/\s+/)) identities.push(await parseLine(word, source, i + 1))
  }
  return identities
}
