// A real OpenSSH server on 127.0.0.1 for the SSH transport tests: its own host keys, config and
// authorized_keys in a temporary directory, on a free port, serving git-upload-pack. Tests skip
// when /usr/sbin/sshd is absent (Debian's openssh-server).
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { connect, createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { userInfo } from 'node:os'
import { join } from 'node:path'

export const sshdPath = '/usr/sbin/sshd'
export const sshdAvailable: boolean = existsSync(sshdPath) && existsSync('/usr/bin/ssh-keygen')

/** A key pair made by ssh-keygen. */
export interface KeyPair {
  readonly privateKey: string
  readonly publicKey: string
}

async function run(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString()))
    child.stderr.on('data', (c: Buffer) => (err += c.toString()))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(' ')}: exit ${code}: ${err}`))))
  })
}

/**
 * Makes a key pair of `type` (ed25519, rsa, ecdsa) under `dir`, encrypted with `passphrase` ('' for none).
 * An encrypted key uses 2 bcrypt KDF rounds instead of ssh-keygen's 16: the key is still encrypted
 * the same way (a wrong passphrase still fails), but the transport decrypts it on every connection
 * and 16 rounds cost the suites seconds of CPU.
 */
export async function makeKey(dir: string, name: string, type: 'ed25519' | 'rsa' | 'ecdsa', passphrase = ''): Promise<KeyPair> {
  const path = join(dir, name)
  const rounds = passphrase === '' ? [] : ['-a', '2']
  await run('ssh-keygen', ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '2048'] : []), ...rounds, '-N', passphrase, '-C', `test-only-${name}`, '-f', path])
  return { privateKey: await readFile(path, 'utf8'), publicKey: (await readFile(`${path}.pub`, 'utf8')).trim() }
}

async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as AddressInfo
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return port
}

async function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/** A running sshd. */
export interface Sshd {
  readonly port: number
  readonly user: string
  /** The server's host public key line (`ssh-ed25519 AAAA…`). */
  readonly hostKey: string
  /** A known_hosts line trusting this server. */
  readonly knownHosts: string
  stop(): Promise<void>
}

/** Starts sshd on a free 127.0.0.1 port, accepting `authorized` public keys. */
export async function startSshd(dir: string, authorized: readonly string[]): Promise<Sshd> {
  await mkdir(dir, { recursive: true })
  const host = await makeKey(dir, 'ssh_host_ed25519_key', 'ed25519')
  await writeFile(join(dir, 'authorized_keys'), `${authorized.join('\n')}\n`, { mode: 0o600 })
  const port = await freePort()
  const user = userInfo().username
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'ssh_host_ed25519_key')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    'UsePAM no',
    'StrictModes no',
    'PermitRootLogin prohibit-password',
    `AllowUsers ${user}`,
    'PidFile none',
    'LogLevel ERROR',
    'UseDNS no',
    'PrintMotd no',
    'PrintLastLog no',
  ].join('\n')
  await writeFile(join(dir, 'sshd_config'), `${config}\n`)
  // sshd running as root needs its privilege separation directory.
  if (process.getuid?.() === 0) await mkdir('/run/sshd', { recursive: true, mode: 0o755 })
  const child: ChildProcess = spawn(sshdPath, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()))
  for (let i = 0; i < 100 && !(await listening(port)); i++) {
    if (child.exitCode !== null) throw new Error(`sshd exited: ${stderr}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return {
    port,
    user,
    hostKey: host.publicKey.split(' ').slice(0, 2).join(' '),
    knownHosts: `[127.0.0.1]:${port} ${host.publicKey.split(' ').slice(0, 2).join(' ')}\n`,
    async stop() {
      if (child.exitCode !== null) return
      const closed = new Promise((resolve) => child.once('close', resolve))
      child.kill()
      await closed
    },
  }
}
