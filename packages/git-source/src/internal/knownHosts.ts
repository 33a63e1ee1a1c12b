// OpenSSH's known_hosts format (sshd(8), "SSH_KNOWN_HOSTS FILE FORMAT"), read to check a server's
// host key: host patterns (`*`, `?`, `!negation`, `[host]:port` for ports other than 22), hashed
// names (`|1|salt|hmac-sha1`, a field of its own), `@revoked` keys; `@cert-authority` lines are not
// supported and skipped. Which lines name a host is what OpenSSH's hostfile.c and match.c answer.
import { createHmac, timingSafeEqual } from 'node:crypto'

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

// OpenSSH's host patterns (match.c's match_pattern and match_hostname), on the bytes of the
// name's and the pattern's UTF-8: `*` any bytes, `?` exactly one byte (not one character), the
// rest literal, ASCII letters compared without case (OpenSSH lowercases the host and each pattern
// with tolower, which leaves every byte past ASCII as it is). Matched without a RegExp or
// backtracking: a pattern is a field of the user's known_hosts, of any length. The bytes before
// the first star must start the name, the bytes after the last star must end it, and each piece
// in between is placed at its leftmost occurrence after the previous one: every piece has a fixed
// length and a star matches anything, so the leftmost placement never loses a match (the answer of
// OpenSSH's search, without its cost). A piece without `?` is found with indexOf (linear in the
// name); one with `?` is tried at each start, which costs the name's length times the piece's,
// bounded because a pattern is under MAX_PATTERN_BYTES (see hostsMatch).
// A name with a line break (the scp form of an SSH URL lets one into the host) matches no
// pattern: ssh refuses such a host name before it looks it up, and a pattern, a field split on
// white space, holds none.
function globMatch(pattern: Buffer, name: Buffer): boolean {
  const pieces = splitStars(pattern)
  if (pieces.length === 1) return name.length === pattern.length && pieceAt(pattern, name, 0)
  let fixed = 0
  for (const piece of pieces) fixed += piece.length
  if (fixed > name.length) return false
  const first = pieces[0] as Buffer
  const last = pieces[pieces.length - 1] as Buffer
  if (!pieceAt(first, name, 0) || !pieceAt(last, name, name.length - last.length)) return false
  let at = first.length
  const end = name.length - last.length
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i] as Buffer
    // The leftmost occurrence at or after `at`: when it ends past `end`, every later one does.
    const found = piece.includes(QUESTION) ? pieceSearch(piece, name, { from: at, end }) : piece.length === 0 ? at : name.indexOf(piece, at)
    if (found < 0 || found + piece.length > end) return false
    at = found + piece.length
  }
  return at <= end
}

/** `pattern` split at each `*`, as views of its bytes. */
function splitStars(pattern: Buffer): Buffer[] {
  const pieces: Buffer[] = []
  let from = 0
  for (let star = pattern.indexOf(STAR); star >= 0; star = pattern.indexOf(STAR, from)) {
    pieces.push(pattern.subarray(from, star))
    from = star + 1
  }
  pieces.push(pattern.subarray(from))
  return pieces
}

/** The leftmost start at or after `from` where `piece` (with a `?`) matches `name` and ends by `end`, or -1. */
function pieceSearch(piece: Buffer, name: Buffer, range: { readonly from: number; readonly end: number }): number {
  const { from, end } = range
  for (let start = from; start + piece.length <= end; start++) if (pieceAt(piece, name, start)) return start
  return -1
}

/** Whether `piece` (no star; `?` is any one byte) matches `name` at `start`. */
function pieceAt(piece: Buffer, name: Buffer, start: number): boolean {
  if (start < 0 || start + piece.length > name.length) return false
  for (let i = 0; i < piece.length; i++) {
    const p = piece[i] as number
    if (p !== QUESTION && p !== name[start + i]) return false
  }
  return true
}

const QUESTION = 0x3f
const STAR = 0x2a

/** `text` with its ASCII letters in lower case, as OpenSSH's lowercase() leaves it (bytes past ASCII unchanged). */
function asciiLowercase(text: string): string {
  return /[A-Z]/.test(text) ? text.replace(/[A-Z]+/g, (run) => run.toLowerCase()) : text
}

/** What ssh refuses in a host name. */
const LINE_BREAK = /[\n\r\u2028\u2029]/

/**
 * Whether a hashed host field (`|1|salt|hmac`, the whole field: OpenSSH hashes names one to a line
 * and reads a field as hashed only when it starts with `|`) is the hash of `name` (in lower case,
 * as ssh hashes it): the field must be exactly what OpenSSH's host_hash writes for `name` with
 * that salt (a 20-byte salt; both halves in canonical base64).
 */
function hashedMatch(field: string, name: string): boolean {
  if (!field.startsWith('|1|')) return false
  const delimiter = field.indexOf('|', 3)
  if (delimiter < 0) return false
  const salt = Buffer.from(field.slice(3, delimiter), 'base64')
  if (salt.length !== 20) return false
  const expected = Buffer.from(`|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`)
  const actual = Buffer.from(field)
  return expected.length === actual.length && timingSafeEqual(expected, actual)
}

/**
 * OpenSSH's bound on one pattern of a host field, in bytes: match_pattern_list copies each
 * (after its `!`) into a 1,024-byte buffer and answers "no match" for the whole field when one
 * fills 1,023 bytes or more. Following it bounds the work of a match by the name's length times
 * this, and agrees with ssh on which lines name a host.
 */
const MAX_PATTERN_BYTES = 1023

/** A host name as the matching reads it: in lower case, as text (for a hashed field) and as UTF-8. */
interface HostName {
  readonly text: string
  readonly bytes: Buffer
  readonly lineBreak: boolean
}

/**
 * Whether a host field names `name`: a hashed field by its hash, any other as OpenSSH's
 * match_pattern_list reads a comma-separated list (a negated pattern that matches wins; an empty
 * pattern matches an empty name, but a trailing comma ends the list without one).
 */
function hostsMatch(field: string, name: HostName): boolean {
  if (field.startsWith('|')) return hashedMatch(field, name.text)
  let matched = false
  const patterns = field.split(',')
  if (field === '' || field.endsWith(',')) patterns.pop()
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!')
    const glob = Buffer.from(asciiLowercase(negated ? pattern.slice(1) : pattern))
    if (glob.length >= MAX_PATTERN_BYTES) return false
    if (name.lineBreak || !globMatch(glob, name.bytes)) continue
    if (negated) return false
    matched = true
  }
  return matched
}

/** `line` without the spaces and tabs at its ends (and nothing else: linear, whatever the line). */
function trimBlanks(line: string): string {
  let start = 0
  let end = line.length
  while (start < end && (line[start] === ' ' || line[start] === '\t')) start++
  while (end > start && (line[end - 1] === ' ' || line[end - 1] === '\t')) end--
  return line.slice(start, end)
}

/** The keys `text` lists for `name` (see {@link knownHostsName}). */
export function keysFor(text: string, name: string): KnownKey[] {
  const keys: KnownKey[] = []
  const lower = asciiLowercase(name)
  const host: HostName = { text: lower, bytes: Buffer.from(lower), lineBreak: LINE_BREAK.test(name) }
  for (const raw of text.split(/\r?\n/)) {
    // Fields are separated by spaces and tabs only, as OpenSSH's hostfile.c reads them: a no-break
    // space, \v or \f is part of a field (`github.com\u00a0ssh-ed25519 …` names no host).
    const line = trimBlanks(raw)
    if (line === '' || line.startsWith('#')) continue
    const fields = line.split(/[ \t]+/)
    let revoked = false
    if (fields[0]?.startsWith('@') === true) {
      const marker = fields.shift()
      if (marker === '@cert-authority') continue
      revoked = marker === '@revoked'
      if (!revoked) continue
    }
    const [hosts, type, blob] = fields
    if (hosts === undefined || type === undefined || blob === undefined) continue
    if (!hostsMatch(hosts, host)) continue
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
