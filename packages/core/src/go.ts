/**
 * Go's formatting and parsing rules as the Go tools this SDK mirrors apply them (strconv, fmt's `%q`,
 * encoding/json, time). Each rule exists once here and is tested against Go's own test tables.
 *
 * @experimental For the sibling packages of gitops-sdk; may change in any minor version.
 * @packageDocumentation
 */
export type { FloatFormat } from './go/formatFloat.js'
export { formatFloat, formatJsonFloat } from './go/formatFloat.js'
export { parseBool, parseFloat64, parseInt64, parseUint64 } from './go/parseNumber.js'
export { isPrint, quote } from './go/quote.js'
export type { JsonDialect } from './go/json.js'
export { compareStrings, jsonString, jsonStringOfBytes, marshalJson } from './go/json.js'
export type { GoTime, GoTimeText } from './go/time.js'
export { formatRfc3339, formatRfc3339Nano, goTimeOf, parseRfc3339 } from './go/time.js'
export type { GoRegexp } from './go/regexp.js'
export type { GoRegexpErrorDetails } from './go/regexpError.js'
export { compileGoRegexp, quoteMeta } from './go/regexp.js'
