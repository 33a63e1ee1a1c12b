// The string formats kube-apiserver checks in a CRD schema (apiextensions' list of go-openapi strfmt
// formats); a format outside the list is not checked, as there.
import { isIP } from 'node:net'

const uuid = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i
const uuidVersion = (v: number): RegExp => new RegExp(`^[0-9a-f]{8}-?[0-9a-f]{4}-?${v}[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$`, 'i')
const hostname = /^([a-zA-Z0-9\p{S}\p{L}]((-?[a-zA-Z0-9\p{S}\p{L}]{0,62})?)|([a-zA-Z0-9\p{S}\p{L}](([a-zA-Z0-9-\p{S}\p{L}]{0,61}[a-zA-Z0-9\p{S}\p{L}])?)(\.)){1,}([a-zA-Z\p{L}]){2,63})$/u
const email = /^[^\s@]+@[^\s@]+$/
const dateTime = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/
const date = /^\d{4}-\d{2}-\d{2}$/
const duration = /^(([0-9]+(\.[0-9]*)?|\.[0-9]+)\s*(ns|us|µs|ms|s|m|h|d|w|nanoseconds?|microseconds?|milliseconds?|seconds?|minutes?|hours?|days?|weeks?)\s*)+$/
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
  hostname: (t) => hostname.test(t),
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
  duration: (t) => duration.test(t),
  datetime: (t) => dateTime.test(t) && validDate(t),
  'date-time': (t) => dateTime.test(t) && validDate(t),
}

/** Whether kube-apiserver checks `format`, and if so whether `text` conforms. */
export function formatOk(format: string, text: string): boolean {
  const check = Object.prototype.hasOwnProperty.call(CHECKS, format) ? CHECKS[format] : undefined
  return check === undefined || check(text)
}
