// go-yaml v2.4.0's resolver (resolve.go), used only to decide whether a string can be printed
// plain: encode.go quotes any string that would read back as something else, and any YAML 1.1
// base-60 float. This is why kustomize prints `"yes"`, `"on"`, `"y"` and `"1:20"` quoted.
import { parseGoInt, parseTimestamp } from './resolve.js'

const nonStrings = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON',
  'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF',
  '', '~', 'null', 'Null', 'NULL',
  '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF',
  '<<',
])

const yamlStyleFloat = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/
const dotFloat = /^\.[0-9]+([eE][-+]?[0-9]+)?$/
const base60float = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/

/** True when go-yaml v2 would print `value` as a plain scalar (before the emitter's own checks). */
export function isPlainSafe(value: string): boolean {
  if (nonStrings.has(value)) return false
  const first = value.charCodeAt(0)
  if (first === 0x2e /* . */) return !(dotFloat.test(value) && Number.isFinite(Number(value)))
  const isDigit = first >= 0x30 && first <= 0x39
  if (!isDigit && first !== 0x2b && first !== 0x2d) return true
  if (value.includes(':') && base60float.test(value)) return false
  if (isDigit && parseTimestamp(value) !== undefined) return false
  const plain = value.includes('_') ? value.replaceAll('_', '') : value
  if (parseGoInt(plain) !== undefined) return false
  if (yamlStyleFloat.test(plain) && Number.isFinite(Number(plain))) return false
  if (plain.startsWith('0b') || plain.startsWith('-0b')) {
    const bits = plain.startsWith('-') ? plain.slice(3) : plain.slice(2)
    if (/^[01]+$/.test(bits) && bits.length <= 64) return false
  }
  return true
}
