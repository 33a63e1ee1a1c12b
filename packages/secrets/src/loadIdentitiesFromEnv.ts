import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { SopsError } from './errors.js'
import { parseIdentities } from './parseIdentities.js'
import type { AgeIdentity } from './types.js'

/** Options of {@link loadIdentitiesFromEnv}; every default is the real environment, read only now. */
export interface LoadIdentitiesOptions {
  /** The environment to read `SOPS_AGE_*` and `XDG_CONFIG_HOME`/`AppData` from. @defaultValue `process.env` */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined
  /** The home directory (for `~/.ssh` and the default config dir). @defaultValue `os.homedir()` */
  readonly homeDir?: string | undefined
  /** The platform, which decides the user config dir. @defaultValue `process.platform` */
  readonly platform?: NodeJS.Platform | undefined
  /** Passphrase for a passphrase-protected identity file, or a function asked when one is met. */
  readonly passphrase?: string | (() => string | Promise<string>) | undefined
  /** Run `SOPS_AGE_KEY_CMD` and `SOPS_AGE_SSH_PRIVATE_KEY_CMD` when set. @defaultValue true */
  readonly runCommands?: boolean | undefined
  /** Cancels the operation: it stops promptly and rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
}

/** Splits a command line shell-style (quotes and backslashes), without running a shell, as sops does. */
function splitCommand(command: string): string[] {
  const words: string[] = []
  let word = ''
  let inWord = false
  let quote: '"' | "'" | undefined
  for (let i = 0; i < command.length; i++) {
    const c = command[i] ?? ''
    if (quote !== undefined) {
      if (c === quote) quote = undefined
      else if (c === '\\' && quote === '"' && i + 1 < command.length) word += command[++i] ?? ''
      else word += c
    } else if (c === '"' || c === "'") {
      quote = c
      inWord = true
    } else if (c === '\\' && i + 1 < command.length) {
      word += command[++i] ?? ''
      inWord = true
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word)
      word = ''
      inWord = false
    } else {
      word += c
      inWord = true
    }
  }
  if (inWord) words.push(word)
  return words
}

function failed(source: string, why: string, cause?: unknown): SopsError {
  return new SopsError({ code: 'SOPS_KEY_SOURCE_FAILED', message: `${source}: ${why}`, details: { source }, cause })
}

async function runCommand(
  variable: string,
  command: string,
  { env, signal }: { env: Readonly<Record<string, string | undefined>>; signal?: AbortSignal | undefined },
): Promise<string> {
  const [file, ...args] = splitCommand(command)
  if (file === undefined) throw failed(variable, 'the command is empty')
  return new Promise((resolve, reject) => {
    execFile(file, args, { env: { ...env, SOPS_AGE_RECIPIENT: '' }, signal, maxBuffer: 1024 * 1024 }, (err, stdout) => {
      if (signal?.aborted === true) reject(signal.reason as Error)
      else if (err !== null) reject(failed(variable, `the command failed: ${err.message.split('\n')[0] ?? ''}`, err))
      else resolve(stdout)
    })
  })
}

function userConfigDir(env: Readonly<Record<string, string | undefined>>, home: string, platform: NodeJS.Platform): string | undefined {
  const xdg = env.XDG_CONFIG_HOME
  if (platform === 'win32') return env.AppData === undefined || env.AppData === '' ? undefined : env.AppData
  if (platform === 'darwin') return xdg !== undefined && xdg !== '' ? xdg : join(home, 'Library', 'Application Support')
  return xdg !== undefined && xdg !== '' ? xdg : join(home, '.config')
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}

/**
 * Loads age identities from the key sources sops reads, in sops' order, and only when called:
 * `SOPS_AGE_SSH_PRIVATE_KEY_FILE`, `SOPS_AGE_SSH_PRIVATE_KEY_CMD`, `~/.ssh/id_ed25519` and
 * `~/.ssh/id_rsa` (skipped when absent or unusable, e.g. passphrase-protected), `SOPS_AGE_KEY`
 * (several keys per line allowed), `SOPS_AGE_KEY_FILE`, `SOPS_AGE_KEY_CMD`, and
 * `<user config dir>/sops/age/keys.txt`. All identities found are returned; sops tries them all.
 * Commands run without a shell; `SOPS_AGE_RECIPIENT` is set empty, since identities are loaded
 * once for all files rather than per stanza.
 *
 * @throws `SOPS_KEY_SOURCE_FAILED` when a source named by a variable cannot be read or run,
 * `SOPS_IDENTITY_INVALID` when one holds something that is not an identity.
 * @example
 * ```ts
 * const identities = await loadIdentitiesFromEnv()
 * const plain = await decrypt(text, { format: 'yaml', identities })
 * ```
 */
export async function loadIdentitiesFromEnv(options: LoadIdentitiesOptions = {}): Promise<AgeIdentity[]> {
  const env = options.env ?? process.env
  const home = options.homeDir ?? homedir()
  const platform = options.platform ?? process.platform
  const { signal, passphrase } = options
  const runCommands = options.runCommands ?? true
  const identities: AgeIdentity[] = []
  const set = (name: string): string | undefined => (env[name] === undefined ? undefined : env[name])
  const fromFile = async (variable: string, path: string): Promise<string> => {
    try {
      return await readFile(path, 'utf8')
    } catch (cause) {
      throw failed(variable, `cannot read ${path}: ${(cause as NodeJS.ErrnoException).code ?? 'error'}`, cause)
    }
  }

  const sshFile = set('SOPS_AGE_SSH_PRIVATE_KEY_FILE')
  if (sshFile !== undefined) identities.push(...(await parseIdentities(await fromFile('SOPS_AGE_SSH_PRIVATE_KEY_FILE', sshFile), { source: sshFile, signal })))
  const sshCmd = set('SOPS_AGE_SSH_PRIVATE_KEY_CMD')
  if (sshCmd !== undefined && runCommands) {
    identities.push(...(await parseIdentities(await runCommand('SOPS_AGE_SSH_PRIVATE_KEY_CMD', sshCmd, { env, signal }), { source: 'SOPS_AGE_SSH_PRIVATE_KEY_CMD', signal })))
  }
  for (const name of ['id_ed25519', 'id_rsa']) {
    const path = join(home, '.ssh', name)
    const text = await readIfExists(path).catch(() => undefined)
    if (text === undefined) continue
    // sops reports an unusable default key and goes on; so do we, silently.
    identities.push(...(await parseIdentities(text, { source: path, signal }).catch(() => [])))
  }
  const inline = set('SOPS_AGE_KEY')
  if (inline !== undefined) identities.push(...(await parseIdentities(inline, { source: 'SOPS_AGE_KEY', passphrase, signal })))
  const keyFile = set('SOPS_AGE_KEY_FILE')
  if (keyFile !== undefined) identities.push(...(await parseIdentities(await fromFile('SOPS_AGE_KEY_FILE', keyFile), { source: keyFile, passphrase, signal })))
  const keyCmd = set('SOPS_AGE_KEY_CMD')
  if (keyCmd !== undefined && runCommands) {
    identities.push(...(await parseIdentities(await runCommand('SOPS_AGE_KEY_CMD', keyCmd, { env, signal }), { source: 'SOPS_AGE_KEY_CMD', passphrase, signal })))
  }
  const configDir = userConfigDir(env, home, platform)
  if (configDir !== undefined) {
    const path = join(configDir, 'sops', 'age', 'keys.txt')
    const text = await readIfExists(path)
    if (text !== undefined) identities.push(...(await parseIdentities(text, { source: path, passphrase, signal })))
  }
  signal?.throwIfAborted()
  return identities
}
