// encoding/json's name for the kind of a JSON value, as its UnmarshalTypeError prints it (`json: cannot
// unmarshal number into Go struct field …`), for a parsed value of either shape the decoders here
// read: plain data (objects, arrays, bigints for int64) or document-ordered data (objects as Maps).

/** encoding/json's name of a JSON value's kind: string, number, bool, array or object. */
export function jsonKind(value: unknown): string {
  if (typeof value === 'string') return 'string'
  if (typeof value === 'number' || typeof value === 'bigint') return 'number'
  if (typeof value === 'boolean') return 'bool'
  return Array.isArray(value) ? 'array' : 'object'
}
