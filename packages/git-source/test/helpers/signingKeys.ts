// Throwaway signing keys made by the real tools: gpg in batch mode with a GNUPGHOME in a temp
// directory, and ssh-keygen. Test-only keys, never used anywhere else.
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

async function has(command: string, args: readonly string[]): Promise<boolean> {
  try {
    await run(command, [...args])
    return true
  } catch {
    return false
  }
}

/** Whether gpg and ssh-keygen (with -Y sign) can be run here. */
export const hasGpg: boolean = await has('gpg', ['--version'])
export const hasSshKeygen: boolean = await has('sh', ['-c', 'command -v ssh-keygen'])

/** A gpg home with test keys; `close` stops its agent and removes it. */
export interface GpgHome {
  readonly home: string
  /** Creates an ed25519 signing key; resolves to its fingerprint and armored public key. */
  createKey(name: string, options?: { expire?: string }): Promise<{ fingerprint: string; publicKey: string }>
  /** Revokes a key with the revocation certificate gpg made with it; resolves to the revoked public key. */
  revoke(fingerprint: string): Promise<string>
  close(): Promise<void>
}

/** A fresh gpg home in a temp directory. */
export async function createGpgHome(): Promise<GpgHome> {
  const home = await mkdtemp(join(tmpdir(), 'gitops-gpg-'))
  const gpg = (args: readonly string[]): Promise<{ stdout: string }> => run('gpg', ['--batch', '--homedir', home, ...args], { env: { ...process.env, GNUPGHOME: home } })
  const exportKey = async (fingerprint: string): Promise<string> => (await gpg(['--armor', '--export', fingerprint])).stdout
  return {
    home,
    async createKey(name, options = {}) {
      await gpg(['--passphrase', '', '--quick-gen-key', `${name} <${name.toLowerCase().replaceAll(' ', '.')}@example.com>`, 'ed25519', 'sign', options.expire ?? 'never'])
      const listing = (await gpg(['--with-colons', '--list-keys', name])).stdout
      const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(listing)?.[1]
      if (fingerprint === undefined) throw new Error(`gpg made no key for ${name}`)
      return { fingerprint, publicKey: await exportKey(fingerprint) }
    },
    async revoke(fingerprint) {
      const certificate = await readFile(join(home, 'openpgp-revocs.d', `${fingerprint}.rev`), 'utf8')
      // gpg guards the stored certificate with a leading colon so it is not imported by accident.
      const path = join(home, 'revoke.asc')
      await writeFile(path, certificate.replace(/^:-----BEGIN/m, '-----BEGIN'))
      await gpg(['--import', path])
      return exportKey(fingerprint)
    },
    async close() {
      await run('gpgconf', ['--homedir', home, '--kill', 'gpg-agent']).catch(() => undefined)
      await rm(home, { recursive: true, force: true })
    },
  }
}

/** An SSH key pair made by ssh-keygen: the private key's path and the public key line. */
export interface SshKeyPair {
  readonly privateKey: string
  readonly publicKey: string
  readonly fingerprint: string
}

/** Makes an unencrypted SSH key pair of `type` (`ed25519`, `rsa`, `ecdsa`) in `dir`. */
export async function createSshKey(dir: string, name: string, type: 'ed25519' | 'rsa' | 'ecdsa'): Promise<SshKeyPair> {
  const privateKey = join(dir, name)
  await run('ssh-keygen', ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '2048'] : []), '-N', '', '-C', name, '-f', privateKey])
  const publicKey = await readFile(`${privateKey}.pub`, 'utf8')
  const fingerprint = (await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${privateKey}.pub`])).stdout.split(' ')[1] as string
  return { privateKey, publicKey, fingerprint }
}
