// API errors quote the value they refuse (`data[token]: Invalid value: "s3cr3t": …`); about a
// Secret that is the plaintext. Before an error about a Secret becomes an ApplyError (whose message
// reaches change sets, logs, status, events and metrics), every value of the Secret that was sent
// is replaced by `***`, and so is every quoted string the API added that is not a known name or
// key, so a value is hidden even when the server quotes it in a form we did not send.
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeObject } from '@gitops-sdk/core'
import type { ParsedStatus } from './parsedStatus.js'

/** What to hide in an error about one Secret. */
export interface SecretMask {
  /** Values to hide wherever they appear: each data value, decoded and encoded, each stringData value. */
  readonly values: readonly string[]
  /** Quoted strings that may stay: the Secret's name, namespace, type and keys. */
  readonly keep: ReadonlySet<string>
}

const MASK = '***'

/** The mask for an error about `object` (a Secret), or for a Secret named `name` when no object was sent. */
export function secretMask(object: KubeObject | undefined, names: readonly string[] = []): SecretMask {
  const values = new Set<string>()
  const keep = new Set<string>(['Secret', 'v1', 'Opaque', ...names.filter((n) => n !== '')])
  if (object !== undefined) {
    keep.add(object.metadata.name)
    if (typeof object.metadata.namespace === 'string') keep.add(object.metadata.namespace)
    if (typeof object.type === 'string') keep.add(object.type)
    for (const field of ['data', 'stringData'] as const) {
      const map = object[field]
      if (!isKubeMap(map)) continue
      for (const [key, value] of Object.entries(map)) {
        keep.add(key)
        const text = typeof value === 'string' ? value : JSON.stringify(value)
        if (typeof text !== 'string') continue
        values.add(text)
        if (field === 'data') values.add(Buffer.from(text, 'base64').toString('utf8'))
        else values.add(Buffer.from(text).toString('base64'))
      }
    }
  }
  // Escaped forms too (JSON and Go %q quote newlines and quotes the same way for ASCII text).
  for (const v of [...values]) values.add(JSON.stringify(v).slice(1, -1))
  // Longest first, so a value containing another is hidden whole; a value too short to find
  // safely by substring is left to the quoted-string rule below.
  const sorted = [...values].filter((v) => v.length >= 2).sort((a, b) => b.length - a.length)
  return { values: sorted, keep }
}

/** The text with every secret value hidden. */
export function maskText(text: string, mask: SecretMask): string {
  let out = text
  for (const value of mask.values) out = out.split(value).join(MASK)
  out = maskQuoted(out, mask.keep)
  out = maskByteSlices(out)
  return maskInvalidValues(out)
}

// The three masks below are scanners, each giving what a global RegExp replace gave before (named
// on each) in one pass: the patterns backtracked quadratically on texts an API server or a webhook
// writes (a run of `"\"`, of `[]byte{` or of `Invalid value: map[` without an end), and the first
// kept a stack frame per character (a 12 MB message overflowed the stack).

/** Whether `.` matches the code unit `c` (no line terminator). */
function isDot(c: number): boolean {
  return c !== 0x0a && c !== 0x0d && c !== 0x2028 && c !== 0x2029
}

/**
 * Every quoted string (`"…"` with backslash escapes) that is not kept becomes `"***"`:
 * `/"((?:[^"\\]|\\.)*)"/g`. Field managers in a conflict are names, not values; they stay.
 */
function maskQuoted(text: string, keep: ReadonlySet<string>): string {
  let out = ''
  let copied = 0
  let from = 0
  for (;;) {
    const open = text.indexOf('"', from)
    if (open < 0) break
    // The one way the pattern can match from `open`: a backslash takes the next character with it
    // unless that is a line break (or the end), where the match fails.
    let i = open + 1
    let close = -1
    while (i < text.length) {
      const c = text.charCodeAt(i)
      if (c === 0x22) {
        close = i
        break
      }
      if (c === 0x5c) {
        if (i + 1 >= text.length || !isDot(text.charCodeAt(i + 1))) break
        i += 2
      } else i++
    }
    if (close < 0) {
      // Every `"` up to `i` was escaped: a match from one of them would read the same characters
      // from there on and fail at the same place.
      from = Math.max(i, open + 1)
      continue
    }
    const inner = text.slice(open + 1, close)
    const kept = keep.has(inner) || inner === MASK || (open >= CONFLICT.length && text.startsWith(CONFLICT, open - CONFLICT.length))
    out += text.slice(copied, open) + (kept ? text.slice(open, close + 1) : `"${MASK}"`)
    copied = close + 1
    from = close + 1
  }
  return copied === 0 ? text : out + text.slice(copied)
}

const CONFLICT = 'conflict with '

/** A Go byte slice as `%v` prints it loses its bytes: `/\[\]byte\{[^}]*\}/g`. */
function maskByteSlices(text: string): string {
  let out = ''
  let copied = 0
  for (;;) {
    const start = text.indexOf(BYTES, copied)
    if (start < 0) break
    const end = text.indexOf('}', start + BYTES.length)
    // No `}` after this one, none after a later one either.
    if (end < 0) break
    out += `${text.slice(copied, start)}${BYTES}${MASK}}`
    copied = end + 1
  }
  return copied === 0 ? text : out + text.slice(copied)
}

const BYTES = '[]byte{'

const INVALID = 'Invalid value: '
const NUMBER_LIKE = /-?\d[\w.+-]*/y
const NO_COLON = /[^:]*/y

/**
 * The value after `Invalid value: ` (a number, a boolean, a Go map or struct as `%v` prints them)
 * becomes `***`: `/(Invalid value: )(-?\d[\w.+-]*|true|false|map\[[^\]]*\][^:]*|\{[^:]*\})/g`.
 */
function maskInvalidValues(text: string): string {
  let out = ''
  let copied = 0
  let from = 0
  // Whether a `]` is still ahead (a map needs one), once a search found none.
  let bracketAhead = true
  for (;;) {
    const start = text.indexOf(INVALID, from)
    if (start < 0) break
    const at = start + INVALID.length
    let end = -1
    NUMBER_LIKE.lastIndex = at
    if (NUMBER_LIKE.test(text)) end = NUMBER_LIKE.lastIndex
    else if (text.startsWith('true', at)) end = at + 4
    else if (text.startsWith('false', at)) end = at + 5
    else if (text.startsWith('map[', at) && bracketAhead) {
      const bracket = text.indexOf(']', at + 4)
      if (bracket < 0) bracketAhead = false
      else {
        NO_COLON.lastIndex = bracket + 1
        NO_COLON.test(text)
        end = NO_COLON.lastIndex
      }
    } else if (text.charCodeAt(at) === 0x7b /* { */) {
      // Up to the first `:` (there is one in the next `Invalid value: `), back to its last `}`.
      NO_COLON.lastIndex = at + 1
      NO_COLON.test(text)
      let brace = NO_COLON.lastIndex - 1
      while (brace > at && text.charCodeAt(brace) !== 0x7d /* } */) brace--
      if (brace > at) end = brace + 1
    }
    if (end < 0) {
      from = start + 1
      continue
    }
    out += `${text.slice(copied, at)}${MASK}`
    copied = end
    from = end
  }
  return copied === 0 ? text : out + text.slice(copied)
}

/** The parsed answer with its message and every cause's message masked. */
export function maskStatus(status: ParsedStatus, mask: SecretMask): ParsedStatus {
  return {
    ...status,
    message: maskText(status.message, mask),
    causes: status.causes.map((c) => ({ ...c, message: maskText(c.message, mask) })),
  }
}

/** Whether an object or target is a core Secret. */
export function isSecretKind(group: string, kind: string): boolean {
  return group === '' && kind === 'Secret'
}
