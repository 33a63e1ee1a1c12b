// The string formats kube-apiserver checks in a CRD schema (apiextensions' list of go-openapi strfmt
// formats); a format outside the list is not checked, as there.
import { isIP } from 'node:net'

const uuid = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i
const uuidVersion = (v: number): RegExp => new RegExp(`^[0-9a-f]{8}-?[0-9a-f]{4}-?${v}[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$`, 'i')
// go-openapi's hostname pattern (one label with an optional dash, or labels and dots then a
// top-level name of letters), checked label by label: as one pattern the repeated group kept a
// backtracking frame per label, and a value of 2 MB overflowed the stack. A label holds no dot, so
// splitting at dots gives the only way the pattern could read it.
const singleLabel = /^[a-zA-Z0-9\p{S}\p{L}](?:-?[a-zA-Z0-9\p{S}\p{L}]{0,62})?$/u
const dottedLabel = /^[a-zA-Z0-9\p{S}\p{L}](?:[a-zA-Z0-9-\p{S}\p{L}]{0,61}[a-zA-Z0-9\p{S}\p{L}])?$/u
const topLevelLabel = /^[a-zA-Z\p{L}]{2,63}$/u

function hostname(text: string): boolean {
  if (singleLabel.test(text)) return true
  const labels = text.split('.')
  if (labels.length < 2 || !topLevelLabel.test(labels[labels.length - 1] ?? '')) return false
  for (let i = 0; i < labels.length - 1; i++) if (!dottedLabel.test(labels[i] ?? '')) return false
  return true
}
const email = /^[^\s@]+@[^\s@]+$/
const dateTime = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/
const date = /^\d{4}-\d{2}-\d{2}$/
// One number and unit of go-openapi's duration format, read where the last one ended: as one
// pattern with a repeated group, V8 kept a backtracking frame per part, and a value of 2 MB
// overflowed the stack. Longer units come first: a unit followed by a letter never ends a part, so
// the longest unit that matches is the only one that can.
const DURATION_PART =
  /(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*(?:nanoseconds?|microseconds?|milliseconds?|seconds?|minutes?|hours?|days?|weeks?|ns|us|µs|ms|s|m|h|d|w)\s*/y

function duration(text: string): boolean {
  if (text === '') return false
  DURATION_PART.lastIndex = 0
  while (DURATION_PART.lastIndex < text.length) if (!DURATION_PART.test(text)) return false
  return true
}
const mac = /^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$|^([0-9a-fA-F]{2}[:-]){7}[0-9a-fA-F]{2}$|^([0-9a-fA-F]{4}\.){2}[0-9a-fA-F]{4}$/

function validDate(text: string): boolean {
  const d = new Date(`${text.slice(0, 10)}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text.slice(0, 10)
}

function cidr(text: string): boolean {
  const slash = text.indexOf('/')
  if (slash < 0) return false
  const ip = text.slice(0, slash)
  const bits = text.slice(slash + 1)
  const family = isIP(ip)
  return family !== 0 && /^[0-9]+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128)
}

function uri(text: string): boolean {
  // Go's url.ParseRequestURI: an absolute URI or an absolute path.
  if (text.startsWith('/')) return !/\s/.test(text)
  try {
    return new URL(text).protocol !== ''
  } catch {
    return false
  }
}

const CHECKS: Readonly<Record<string, (text: string) => boolean>> = {
  bsonobjectid: (t) => /^[0-9a-fA-F]{24}$/.test(t),
  uri,
  email: (t) => email.test(t),
  hostname,
  ipv4: (t) => isIP(t) === 4,
  ipv6: (t) => isIP(t) === 6,
  cidr,
  mac: (t) => mac.test(t),
  uuid: (t) => uuid.test(t),
  uuid3: (t) => uuidVersion(3).test(t),
  uuid4: (t) => uuidVersion(4).test(t),
  uuid5: (t) => uuidVersion(5).test(t),
  hexcolor: (t) => /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(t),
  rgbcolor: (t) => /^rgb\(\s*\d{1,3}%?\s*,\s*\d{1,3}%?\s*,\s*\d{1,3}%?\s*\)$/.test(t),
  byte: (t) => /^[A-Za-z0-9+/]*={0,2}$/.test(t) && t.length % 4 === 0,
  password: () => true,
  date: (t) => date.test(t) && validDate(t),
  duration,
  datetime: (t) => dateTime.test(t) && validDate(t),
  'date-time': (t) => dateTime.test(t) && validDate(t),
}

/** Whether kube-apiserver knows `format` (its format validator applies to strings only then). */
export function knownFormat(format: string): boolean {
  return Object.prototype.hasOwnProperty.call(CHECKS, format)
}

/** Whether kube-apiserver checks `format`, and if so whether `text` conforms. */
export function formatOk(format: string, text: string): boolean {
  const check = Object.prototype.hasOwnProperty.call(CHECKS, format) ? CHECKS[format] : undefined
  return check === undefined || check(text)
}
