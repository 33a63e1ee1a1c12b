// go-yaml v3's resolution of plain scalars (resolve.go), which sops inherits: `~`/`null` and empty
// are null, only `true`/`false` in three spellings are bools, `0x1F`, `0o17`, `017`, `1_000` are
// ints, and dates and timestamps are times. Quoted and block scalars are strings.
import { formatTimeNano, parseYamlTimestamp } from '../goFormat.js'
import type { Scalar } from '../tree.js'

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL'])
const TRUES = new Set(['true', 'True', 'TRUE'])
const FALSES = new Set(['false', 'False', 'FALSE'])
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/
const INT64_MIN = -(2n ** 63n)
const UINT64_MAX = 2n ** 64n - 1n

/** Go `strconv.ParseInt(s, 0, 64)` (falling back to ParseUint), after go-yaml removed the `_`s. */
function parseGoInt0(s: string): bigint | undefined {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s)
  if (m === null) return undefined
  const digits = m[2] ?? ''
  let v: bigint
  if (/^0[oO]/.test(digits)) v = BigInt(`0o${digits.slice(2)}`)
  else if (/^0[0-7]+$/.test(digits)) v = BigInt(`0o${digits.slice(1)}`)
  else v = BigInt(digits)
  if (m[1] === '-') v = -v
  return v < INT64_MIN || v > UINT64_MAX ? undefined : v
}

/** The typed value go-yaml v3 gives a plain (untagged) scalar. */
export function resolvePlain(text: string): Scalar {
  if (NULLS.has(text)) return { kind: 'null' }
  if (TRUES.has(text)) return { kind: 'bool', value: true }
  if (FALSES.has(text)) return { kind: 'bool', value: false }
  switch (text) {
    case '.inf':
    case '.Inf':
    case '.INF':
    case '+.inf':
    case '+.Inf':
    case '+.INF':
      return { kind: 'float', value: Infinity }
    case '-.inf':
    case '-.Inf':
    case '-.INF':
      return { kind: 'float', value: -Infinity }
    case '.nan':
    case '.NaN':
    case '.NAN':
      return { kind: 'float', value: NaN }
  }
  const c = text[0] ?? ''
  if (/[-+.0-9]/.test(c)) {
    const time = parseYamlTimestamp(text)
    if (time !== undefined) return { kind: 'time', value: formatTimeNano(time) }
    const plain = text.replaceAll('_', '')
    const int = parseGoInt0(plain)
    if (int !== undefined) return { kind: 'int', value: int }
    if (FLOAT.test(plain)) return { kind: 'float', value: Number(plain) }
  }
  return { kind: 'str', value: text }
}

/** go-yaml v3's `isOldBool`: YAML 1.1 booleans it quotes when writing strings. */
export function isOldBool(s: string): boolean {
  return /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/.test(s)
}

/** go-yaml v3's `isBase60Float`: YAML 1.1 sexagesimal numbers it quotes when writing strings. */
export function isBase60Float(s: string): boolean {
  return /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(s)
}
