// OpenSSH's known_hosts format (sshd(8), "SSH_KNOWN_HOSTS FILE FORMAT"), read to check a server's
// host key: host patterns (`*`, `?`, `!negation`, `[host]:port` for ports other than 22), hashed
// names (`|1|salt|hmac-sha1`), `@revoked` keys; `@cert-authority` lines are not supported and skipped.
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

// `*` any characters, `?` one, the rest literal and case-insensitive (the case folding of a
// RegExp with the `i` flag, which these patterns used to be compiled to). Matched without a
// RegExp: a pattern is a field of the user's known_hosts, of any length, and a RegExp built from
// 300 KB of it threw V8's "Regular expression too large". The text before the first star must
// start the name, the text after the last star must end it, and each piece in between is placed at
// its leftmost occurrence after the previous one: every piece has a fixed length and a star matches
// anything, so the leftmost placement never loses a match (the way OpenSSH's match_pattern answers,
// without its backtracking). A piece without `?` is found with `indexOf` (linear in the name); one
// with `?` is tried at each start, which costs the name's length times the piece's, bounded because
// a pattern is at most MAX_PATTERN_BYTES long (see hostsMatch).
// A name with a line break (the scp form of an SSH URL lets one into the host) matches no
// pattern: patterns are fields split on white space, so none holds a line break, and the RegExp's
// `.` (for `?` or `*`) matched none either.
function globMatch(pattern: string, name: string): boolean {
  if (LINE_BREAK.test(name)) return false
  const folded = foldCase(name)
  const pieces = foldCase(pattern).split('*')
  if (pieces.length === 1) return folded.length === pattern.length && pieceAt(pieces[0] as string, folded, 0)
  let fixed = 0
  for (const piece of pieces) fixed += piece.length
  if (fixed > folded.length) return false
  const first = pieces[0] as string
  const last = pieces[pieces.length - 1] as string
  if (!pieceAt(first, folded, 0) || !pieceAt(last, folded, folded.length - last.length)) return false
  let at = first.length
  const end = folded.length - last.length
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i] as string
    // The leftmost occurrence at or after `at`: when it ends past `end`, every later one does.
    const found = piece.includes('?') ? pieceSearch(piece, folded, { from: at, end }) : folded.indexOf(piece, at)
    if (found < 0 || found + piece.length > end) return false
    at = found + piece.length
  }
  return at <= end
}

/** The leftmost start at or after `from` where `piece` (with a `?`) matches `name` and ends by `end`, or -1. */
function pieceSearch(piece: string, name: string, range: { readonly from: number; readonly end: number }): number {
  const { from, end } = range
  for (let start = from; start + piece.length <= end; start++) if (pieceAt(piece, name, start)) return start
  return -1
}

/** Whether `piece` (no star; `?` is any one character) matches `name` at `start`. */
function pieceAt(piece: string, name: string, start: number): boolean {
  if (start < 0 || start + piece.length > name.length) return false
  for (let i = 0; i < piece.length; i++) {
    const p = piece.charCodeAt(i)
    if (p !== QUESTION && p !== name.charCodeAt(start + i)) return false
  }
  return true
}

const QUESTION = 0x3f

/**
 * Folds case per UTF-16 unit as a RegExp with the `i` flag (and no `u`) compares characters
 * (ECMAScript's Canonicalize): the unit's upper case when that is one unit, unless it would turn
 * a non-ASCII unit into an ASCII one.
 */
function foldCase(text: string): string {
  let out = ''
  let from = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    const folded = c < 0x80 ? (c >= 0x61 && c <= 0x7a ? c - 0x20 : c) : canonical(c)
    if (folded === c) continue
    out += text.slice(from, i) + String.fromCharCode(folded)
    from = i + 1
  }
  return from === 0 ? text : out + text.slice(from)
}

function canonical(unit: number): number {
  const upper = String.fromCharCode(unit).toUpperCase()
  if (upper.length !== 1) return unit
  const folded = upper.charCodeAt(0)
  return folded < 0x80 ? unit : folded
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

/**
 * OpenSSH's bound on one pattern of a host field, in bytes: match_pattern_list copies each
 * (after its `!`) into a 1,024-byte buffer and answers "no match" for the whole field when one
 * fills 1,023 bytes or more. Following it bounds the work of a match by the name's length times
 * this, and agrees with ssh on which lines name a host.
 */
const MAX_PATTERN_BYTES = 1023

/** Whether a comma-separated host field names `name` (a negated pattern that matches wins). */
function hostsMatch(field: string, name: string): boolean {
  let matched = false
  for (const pattern of field.split(',')) {
    if (pattern.startsWith('|')) {
      if (hashedMatch(pattern, name)) matched = true
      continue
    }
    const negated = pattern.startsWith('!')
    const glob = negated ? pattern.slice(1) : pattern
    // A UTF-16 unit is at most 3 bytes of UTF-8 (a surrogate pair 4 for its 2 units).
    if (glob.length >= MAX_PATTERN_BYTES || (glob.length * 3 >= MAX_PATTERN_BYTES && Buffer.byteLength(glob, 'utf8') >= MAX_PATTERN_BYTES)) return false
    if (!globMatch(glob, name)) continue
    if (negated) return false
    matched = true
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
