// OpenSSH's known_hosts format (sshd(8), "SSH_KNOWN_HOSTS FILE FORMAT"), read to check a server's
// host key: host patterns (`*`, `?`, `!negation`, `[host]:port` for ports other than 22), hashed
// names (`|1|salt|hmac-sha1`), `@revoked` keys; `@cert-authority` lines are not supported and skipped.
import { createHmac, timingSafeEqual } from 'node:crypto'
import { starGlob } from './starGlob.js'

/** One usable line: the key type, its blob, and whether it is revoked. */
export interface KnownKey {
  readonly type: string
  readonly key: Buffer
  readonly revoked: boolean
}

/** The verdict on a host key: known, unknown (no line names the host), or changed (lines do, none holds it). */
export type HostKeyVerdict = 'known' | 'unknown' | 'changed' | 'revoked'

/** The name a host has in known_hosts: `host`, or `[host]:port` when the port is not 22. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`
}

// `*` any characters, `?` one, the rest literal and case-insensitive. Several stars are matched
// without backtracking (starGlob.ts): a pattern such as `*a*a*a*a*a*b` stalled on a long name.
// A name with a line break (the scp form of an SSH URL lets one into the host) matches no
// pattern: patterns are fields split on white space, so none holds a line break, and neither `.`
// (for `?` or `*`) matches one. It is answered here, as the RegExp would answer it, before the
// RegExp, which would backtrack over the stars (starGlob leaves such a name to it).
function globMatch(pattern: string, name: string): boolean {
  if (LINE_BREAK.test(name)) return false
  const pieces = pattern.split('*').map((p) => p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\?/g, '.'))
  const whole = new RegExp(`^${pieces.join('.*')}$`, 'i')
  return pieces.length <= 2 ? whole.test(name) : starGlob(pieces, whole, LINE_BREAK)(name)
}

/** What `.` does not match. */
const LINE_BREAK = /[\n\r\u2028\u2029]/

function hashedMatch(entry: string, name: string): boolean {
  const [, magic, salt, hash] = entry.split('|')
  if (magic !== '1' || salt === undefined || hash === undefined) return false
  const expected = Buffer.from(hash, 'base64')
  const actual = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest()
  return expected.length === actual.length && timingSafeEqual(expected, actual)
}

/** Whether a comma-separated host field names `name` (a negated pattern that matches wins). */
function hostsMatch(field: string, name: string): boolean {
  let matched = false
  for (const pattern of field.split(',')) {
    if (pattern.startsWith('|')) {
      if (hashedMatch(pattern, name)) matched = true
    } else if (pattern.startsWith('!')) {
      if (globMatch(pattern.slice(1), name)) return false
    } else if (globMatch(pattern, name)) matched = true
  }
  return matched
}

/** The keys `text` lists for `name` (see {@link knownHostsName}). */
export function keysFor(text: string, name: string): KnownKey[] {
  const keys: KnownKey[] = []
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const fields = line.split(/\s+/)
    let revoked = false
    if (fields[0]?.startsWith('@') === true) {
      const marker = fields.shift()
      if (marker === '@cert-authority') continue
      revoked = marker === '@revoked'
      if (!revoked) continue
    }
    const [hosts, type, blob] = fields
    if (hosts === undefined || type === undefined || blob === undefined) continue
    if (!hostsMatch(hosts, name)) continue
    keys.push({ type, key: Buffer.from(blob, 'base64'), revoked })
  }
  return keys
}

/** Judges the host key blob `key` against the known keys of its host. */
export function judgeHostKey(known: readonly KnownKey[], key: Buffer): HostKeyVerdict {
  if (known.some((k) => k.revoked && k.key.equals(key))) return 'revoked'
  const trusted = known.filter((k) => !k.revoked)
  if (trusted.some((k) => k.key.equals(key))) return 'known'
  return trusted.length === 0 ? 'unknown' : 'changed'
}

/** The ssh2 host key algorithms for the key types known for a host, so the server offers one of those. */
export function hostKeyAlgorithms(known: readonly KnownKey[]): string[] {
  const out: string[] = []
  for (const { type, revoked } of known) {
    if (revoked) continue
    const algorithms = type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type]
    for (const a of algorithms) if (!out.includes(a)) out.push(a)
  }
  return out
}
