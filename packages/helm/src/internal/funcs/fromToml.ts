// Helm 4's fromToml: a TOML document read into a map (BurntSushi/toml's Unmarshal into
// map[string]interface{}: integers int64, floats float64), the error's text under "Error" when it
// does not parse. Dates and times are time.Time values as BurntSushi/toml makes them.
import { GoInt, type GoMap, type GoValue } from '../template/values.js'
import { goTime, utc } from './goTime.js'
import { fixedOffsetZone, namedLocalZone } from './goZone.js'
import type { LocalZone } from './localZone.js'

class TomlParseError extends Error {}

// A date with an optional time (after T, t or one space) and zone, or a time alone; seconds are
// optional, as TOML 1.1 and BurntSushi/toml v1.5 allow.
const dateTimeRe = /^(?:(\d{4}-\d\d-\d\d)(?:[Tt ](\d\d:\d\d(?::\d\d)?)(\.\d+)?([Zz]|[+-]\d\d:\d\d)?)?|(\d\d:\d\d(?::\d\d)?)(\.\d+)?)(?![\w:.+-])/

class Reader {
  pos = 0
  line = 1
  /** The key whose value is being read, which BurntSushi names in a datetime error. */
  lastKey = ''
  constructor(readonly text: string, readonly local: LocalZone | undefined, readonly localOffset: number) {}

  fail(msg: string): never {
    throw new TomlParseError(`toml: line ${this.line}: ${msg}`)
  }

  failDate(text: string): never {
    throw new TomlParseError(`toml: line ${this.line} (last key ${JSON.stringify(this.lastKey)}): invalid datetime: ${JSON.stringify(text)}`)
  }

  peek(n = 0): string {
    return this.text[this.pos + n] ?? ''
  }

  skipSpace(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++
  }

  skipComment(): void {
    if (this.peek() === '#') while (this.pos < this.text.length && this.peek() !== '\n') this.pos++
  }

  /** Blanks, newlines and comments (inside arrays). */
  skipAll(): void {
    for (;;) {
      this.skipSpace()
      this.skipComment()
      if (this.peek() === '\n' || (this.peek() === '\r' && this.peek(1) === '\n')) {
        this.pos += this.peek() === '\r' ? 2 : 1
        this.line++
      } else return
    }
  }

  endOfLine(): void {
    this.skipSpace()
    this.skipComment()
    if (this.pos >= this.text.length) return
    if (this.peek() === '\r') this.pos++
    if (this.peek() !== '\n') this.fail(`expected a newline, found ${JSON.stringify(this.peek())}`)
    this.pos++
    this.line++
  }

  key(): string[] {
    const parts: string[] = []
    for (;;) {
      this.skipSpace()
      const c = this.peek()
      if (c === '"' || c === "'") parts.push(this.string())
      else {
        const m = /^[A-Za-z0-9_-]+/.exec(this.text.slice(this.pos))
        if (m === null) this.fail(`invalid key ${JSON.stringify(c)}`)
        parts.push(m[0])
        this.pos += m[0].length
      }
      this.skipSpace()
      if (this.peek() !== '.') return parts
      this.pos++
    }
  }

  string(): string {
    const q = this.peek()
    const multi = this.text.startsWith(q.repeat(3), this.pos)
    this.pos += multi ? 3 : 1
    if (multi && this.peek() === '\n') {
      this.pos++
      this.line++
    }
    let out = ''
    for (;;) {
      if (this.pos >= this.text.length) this.fail('unterminated string')
      if (multi ? this.text.startsWith(q.repeat(3), this.pos) : this.peek() === q) {
        this.pos += multi ? 3 : 1
        return out
      }
      const c = this.peek()
      if (c === '\n') {
        if (!multi) this.fail('strings cannot contain newlines')
        this.line++
      }
      if (c === '\\' && q === '"') {
        const e = this.peek(1)
        this.pos += 2
        const simple: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\' }
        if (Object.hasOwn(simple, e)) out += simple[e] ?? ''
        else if (e === 'u' || e === 'U') {
          const len = e === 'u' ? 4 : 8
          const hex = this.text.slice(this.pos, this.pos + len)
          if (!/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== len) this.fail(`invalid escape \\${e}${hex}`)
          out += String.fromCodePoint(parseInt(hex, 16))
          this.pos += len
        } else if (multi && /[ \t\r\n]/.test(e)) {
          this.pos--
          while (/[ \t\r\n]/.test(this.peek())) {
            if (this.peek() === '\n') this.line++
            this.pos++
          }
        } else this.fail(`invalid escape character ${JSON.stringify(e)}`)
        continue
      }
      out += c
      this.pos++
    }
  }

  /**
   * An offset date-time (a time.Time in UTC or a fixed zone), or a local date-time, date or time
   * (a time.Time in BurntSushi's datetime-local, date-local or time-local location), at `pos`.
   */
  dateTime(): GoValue {
    const m = dateTimeRe.exec(this.text.slice(this.pos))
    if (m === null || m[0] === '') return undefined
    const all = m[0]
    const date = m[1]
    const time = m[2] ?? m[5]
    const frac = m[3] ?? m[6] ?? ''
    const zone = m[4]
    const [y, mo, d] = date === undefined ? [0, 1, 1] : date.split('-').map(Number)
    const [h, mi, sec] = time === undefined ? [0, 0, 0] : time.split(':').map(Number)
    const wall = utc([y ?? 0, mo ?? 1, d ?? 1], [h ?? 0, mi ?? 0, sec ?? 0])
    const check = new Date(wall)
    if (check.getUTCDate() !== d && date !== undefined) this.failDate(all)
    if ((h ?? 0) > 23 || (mi ?? 0) > 59 || (sec ?? 0) > 60) this.failDate(all)
    this.pos += all.length
    const nanos = Number(frac.slice(1, 10).padEnd(9, '0') || '0')
    const localName = date === undefined ? 'time-local' : time === undefined ? 'date-local' : 'datetime-local'
    let offset = 0
    if (zone !== undefined && zone.toUpperCase() !== 'Z') offset = (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 3600 + Number(zone.slice(4, 6)) * 60)
    if (zone === undefined) offset = this.localOffset
    const zoneName = zone === undefined ? namedLocalZone(localName, offset) : fixedOffsetZone(offset)
    return goTime({ ms: wall - offset * 1000 + Math.floor(nanos / 1_000_000), ns: nanos % 1_000_000, zone: zoneName, local: this.local })
  }

  value(depth: number): GoValue {
    if (depth > 100) this.fail('nested too deep')
    const c = this.peek()
    if (c === '"' || c === "'") return this.string()
    if (c === '[') {
      this.pos++
      const list: GoValue[] = []
      for (;;) {
        this.skipAll()
        if (this.peek() === ']') {
          this.pos++
          return list
        }
        list.push(this.value(depth + 1))
        this.skipAll()
        if (this.peek() === ',') this.pos++
        else if (this.peek() !== ']') this.fail('expected a comma or ] in an array')
      }
    }
    if (c === '{') {
      this.pos++
      const table: GoMap = new Map()
      this.skipSpace()
      if (this.peek() === '}') {
        this.pos++
        return table
      }
      for (;;) {
        const key = this.key()
        if (this.peek() !== '=') this.fail('expected = after a key')
        this.pos++
        this.skipSpace()
        setPath(this, { root: table, key }, this.value(depth + 1))
        this.skipSpace()
        if (this.peek() === '}') {
          this.pos++
          return table
        }
        if (this.peek() !== ',') this.fail('expected a comma or } in an inline table')
        this.pos++
      }
    }
    const date = this.dateTime()
    if (date !== undefined) return date
    const m = /^[^\s,\]}#]+/.exec(this.text.slice(this.pos))
    const word = m?.[0] ?? ''
    this.pos += word.length
    if (word === 'true') return true
    if (word === 'false') return false
    if (/^[+-]?(inf|nan)$/.test(word)) return word.endsWith('nan') ? NaN : word.startsWith('-') ? -Infinity : Infinity
    const digits = word.replaceAll('_', '')
    if (/^[+-]?(0|[1-9]\d*)$/.test(digits) || /^0x[0-9A-Fa-f]+$|^0o[0-7]+$|^0b[01]+$/.test(digits)) {
      const n = BigInt(digits.startsWith('+') ? digits.slice(1) : digits)
      if (n < -(2n ** 63n) || n >= 2n ** 63n) this.fail(`integer ${word} out of range`)
      return new GoInt(n, 'int64')
    }
    if (/^[+-]?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(digits) && /[.eE]/.test(digits)) return Number(digits)
    if (/^\d{4}-\d\d-\d\d|^\d\d:\d\d/.test(word)) this.failDate(word)
    return this.fail(`invalid value ${JSON.stringify(word)}`)
  }
}

function setPath(r: Reader, at: { readonly root: GoMap; readonly key: readonly string[] }, value: GoValue): void {
  const { root, key } = at
  let cur = root
  for (const part of key.slice(0, -1)) {
    const next = cur.get(part)
    if (next === undefined) {
      const m: GoMap = new Map()
      cur.set(part, m)
      cur = m
    } else if (next instanceof Map) cur = next
    else r.fail(`key ${JSON.stringify(part)} is not a table`)
  }
  const last = key[key.length - 1] ?? ''
  if (cur.has(last)) r.fail(`key ${JSON.stringify(key.join('.'))} is already defined`)
  cur.set(last, value)
}

function tableAt(r: Reader, root: GoMap, header: { readonly key: readonly string[]; readonly array: boolean }): GoMap {
  const { key, array } = header
  let cur = root
  key.forEach((part, i) => {
    const last = i === key.length - 1
    let next = cur.get(part)
    if (last && array) {
      if (next === undefined) cur.set(part, (next = []))
      if (!Array.isArray(next)) r.fail(`key ${JSON.stringify(key.join('.'))} is not an array of tables`)
      const t: GoMap = new Map()
      next.push(t)
      cur = t
      return
    }
    if (next === undefined) cur.set(part, (next = new Map()))
    if (Array.isArray(next)) next = next[next.length - 1]
    if (!(next instanceof Map)) r.fail(`key ${JSON.stringify(part)} is not a table`)
    cur = next
  })
  return cur
}

/**
 * Helm's fromToml: the document as a map, or a map holding the error's text under "Error"; its
 * times' Local method converts to `local`. Local date-times, dates and times are in BurntSushi's
 * fixed zones of `localOffset` seconds (time.Local's offset when the process started).
 */
export function fromToml(text: string, local?: LocalZone, localOffset = 0): GoMap {
  const root: GoMap = new Map()
  const r = new Reader(text, local, localOffset)
  try {
    let current = root
    for (;;) {
      r.skipAll()
      if (r.pos >= text.length) return root
      if (r.peek() === '[') {
        const array = r.peek(1) === '['
        r.pos += array ? 2 : 1
        const key = r.key()
        if (!text.startsWith(array ? ']]' : ']', r.pos)) r.fail('expected ] after a table name')
        r.pos += array ? 2 : 1
        current = tableAt(r, root, { key, array })
      } else {
        const key = r.key()
        if (r.peek() !== '=') r.fail('expected = after a key')
        r.pos++
        r.skipSpace()
        r.lastKey = key.join('.')
        setPath(r, { root: current, key }, r.value(0))
      }
      r.endOfLine()
    }
  } catch (err) {
    if (err instanceof TomlParseError) return new Map([['Error', err.message]])
    throw err
  }
}
