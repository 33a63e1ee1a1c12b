import { HelmError } from './errors.js'

/** Options of {@link parseSetValues}. */
export interface ParseSetValuesOptions {
  /**
   * Which flag the expression came from: `'set'` types values (`true`, `false`, `null`, integers as
   * `bigint`), `'string'` keeps every value a string, `'json'` reads each value as JSON.
   * @defaultValue `'set'`
   */
  readonly type?: SetValueType | undefined
  /** Values the expression is applied to (not modified; a copy is returned). @defaultValue `{}` */
  readonly values?: Readonly<Record<string, unknown>> | undefined
  /**
   * Reads a `--set-file` value's file (its path as written); required with `type: 'file'`. Throw
   * an error with `code: 'ENOENT'` for a missing file to get helm's message.
   */
  readonly readFile?: ((path: string) => string) | undefined
}

/**
 * Which flag a `--set`-style expression came from: `'set'`, `'string'` (`--set-string`), `'json'`
 * (`--set-json`), `'file'` (`--set-file`: each value a path whose file's text is the value) or
 * `'literal'` (`--set-literal`: everything after the first `=` is one string, commas and
 * backslashes included).
 */
export type SetValueType = 'set' | 'string' | 'json' | 'file' | 'literal'

/** One `--set`-style flag: its kind and its expression. */
export interface SetValue {
  /** The flag it came from. */
  readonly type: SetValueType
  /** The expression, as written after the flag (`a.b=1,c[0]=x`). */
  readonly expression: string
}

/** Helm's order of the kinds (pkg/cli/values MergeValues), whatever the order on the command line. */
export const setValueOrder: readonly SetValueType[] = ['json', 'set', 'string', 'file', 'literal']

type Table = Record<string, unknown>

const maxIndex = 65536
const maxNestedNameLevel = 30

function table(): Table {
  return Object.create(null) as Table
}

function isTable(v: unknown): v is Table {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function copy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copy)
  if (isTable(v)) {
    const out = table()
    for (const k of Object.keys(v)) out[k] = copy(v[k])
    return out
  }
  return v
}

class SetError extends Error {}

/** Helm's strvals parser (helm v4 pkg/strvals), over one `--set`-style expression. */
class Parser {
  private pos = 0
  constructor(
    private readonly text: string,
    private readonly type: SetValueType,
    private readonly readFile: (path: string) => string = () => '',
  ) {}

  /** `--set-literal` reads keys without escapes or commas, and the whole rest as the value. */
  private get literal(): boolean {
    return this.type === 'literal'
  }

  private read(): string | undefined {
    if (this.pos >= this.text.length) return undefined
    const cp = this.text.codePointAt(this.pos) ?? 0
    const c = String.fromCodePoint(cp)
    this.pos += c.length
    return c
  }

  /** Runes up to one of `stop` (consumed), with `\` escaping the next rune; `last` is undefined at the end. */
  private until(stop: string): { value: string; last: string | undefined } {
    let value = ''
    for (;;) {
      const r = this.read()
      if (r === undefined) return { value, last: undefined }
      if (stop.includes(r)) return { value, last: r }
      if (r === '\\' && !this.literal) {
        const next = this.read()
        if (next === undefined) return { value, last: undefined }
        value += next
      } else value += r
    }
  }

  parse(data: Table): void {
    while (this.pos < this.text.length) this.key(data, 0)
  }

  private typed(v: string): unknown {
    if (this.type === 'string' || this.type === 'literal') return v
    const lower = v.toLowerCase()
    if (lower === 'true') return true
    if (lower === 'false') return false
    if (lower === 'null') return null
    if (v === '0') return 0n
    if (v !== '' && v[0] !== '0' && /^[+-]?\d+$/.test(v)) {
      const n = BigInt(v)
      if (n >= -(2n ** 63n) && n < 2n ** 63n) return n
    }
    return v
  }

  private json(): unknown {
    // Skip blanks; an empty value is null.
    const rest = this.text.slice(this.pos)
    const lead = /^\s*/.exec(rest)?.[0].length ?? 0
    if (lead === rest.length || rest[lead] === ',') {
      this.pos += lead + (rest[lead] === ',' ? 1 : 0)
      return null
    }
    // The longest prefix that is one JSON value, as Go's json.Decoder reads one value from a stream.
    for (let end = rest.length; end > lead; end--) {
      if (end < rest.length && rest[end] !== ',' && !/\s/.test(rest[end] ?? '')) continue
      try {
        const v: unknown = JSON.parse(rest.slice(lead, end))
        this.pos += end
        const after = /^\s*,?/.exec(this.text.slice(this.pos))?.[0].length ?? 0
        this.pos += after
        return copy(v)
      } catch {
        /* a shorter prefix may be the value */
      }
    }
    throw new SetError(`invalid JSON value: ${rest.slice(lead)}`)
  }

  /** A `{a,b}` list, or undefined (nothing consumed) when the value is not one. */
  private valueList(): unknown[] | undefined {
    if (this.text[this.pos] !== '{') return undefined
    this.pos++
    const list: unknown[] = []
    for (;;) {
      const { value, last } = this.until(',}')
      if (last === undefined) throw new SetError("list must terminate with '}'")
      list.push(this.typed(value))
      if (last === '}') {
        if (this.text[this.pos] === ',') this.pos++
        return list
      }
    }
  }

  private value(): unknown {
    if (this.type === 'json') return this.json()
    if (this.literal) {
      const rest = this.text.slice(this.pos)
      this.pos = this.text.length
      return rest
    }
    if (this.type === 'file') return this.readFile(this.until(',').value)
    if (this.pos >= this.text.length) return ''
    const list = this.valueList()
    if (list !== undefined) return list
    return this.typed(this.until(',').value)
  }

  private key(data: Table, level: number): void {
    const { value: k, last } = this.until(this.literal ? '=[.' : '=[,.')
    if (last === undefined) {
      if (k === '') return
      throw new SetError(`key ${JSON.stringify(k)} has no value`)
    }
    if (last === '[') {
      const i = this.index()
      const existing = Object.hasOwn(data, k) ? data[k] : []
      if (!Array.isArray(existing)) throw new SetError(`key ${JSON.stringify(k)} is not a list`)
      set(data, k, this.listItem([...(existing as unknown[])], i, level))
      return
    }
    if (last === '=') {
      set(data, k, this.value())
      return
    }
    if (last === ',') {
      set(data, k, '')
      throw new SetError(`key ${JSON.stringify(k)} has no value (cannot end with ,)`)
    }
    if (level + 1 > maxNestedNameLevel) throw new SetError(`value name nested level is greater than maximum supported nested level of ${maxNestedNameLevel}`)
    const current = Object.hasOwn(data, k) ? data[k] : undefined
    const inner = isTable(current) ? current : table()
    this.key(inner, level + 1)
    if (Object.keys(inner).length === 0) throw new SetError(`key map ${JSON.stringify(k)} has no value`)
    set(data, k, inner)
  }

  private index(): number {
    const { value, last } = this.until(']')
    if (last === undefined) throw new SetError('error parsing index: EOF')
    const n = Number(value)
    if (!/^[+-]?\d+$/.test(value)) throw new SetError(`error parsing index: strconv.Atoi: parsing ${JSON.stringify(value)}: invalid syntax`)
    if (n < 0) throw new SetError(`error parsing index: negative ${n} index not allowed`)
    return n
  }

  private listItem(list: unknown[], i: number, level: number): unknown[] {
    const { value: k, last } = this.until('[.=')
    if (k !== '') throw new SetError(`unexpected data at end of array index: ${JSON.stringify(k)}`)
    if (last === undefined) throw new SetError('unexpected end of expression after an index')
    if (last === '=') return setIndex(list, i, this.value())
    if (last === '[') {
      const next = this.index()
      const existing = list[i]
      const inner = Array.isArray(existing) ? [...(existing as unknown[])] : []
      return setIndex(list, i, this.listItem(inner, next, level))
    }
    const existing = list[i]
    const inner = isTable(existing) ? existing : table()
    this.key(inner, level)
    return setIndex(list, i, inner)
  }
}

function set(data: Table, key: string, value: unknown): void {
  if (key === '') return
  data[key] = value
}

function setIndex(list: unknown[], index: number, value: unknown): unknown[] {
  if (index > maxIndex) throw new SetError(`index of ${index} is greater than maximum supported index of ${maxIndex}`)
  while (list.length <= index) list.push(null)
  list[index] = value
  return list
}

function mergeInto(dst: Table, src: Table): void {
  for (const k of Object.keys(src)) {
    const d = dst[k]
    const s = src[k]
    if (isTable(d) && isTable(s)) mergeInto(d, s)
    else dst[k] = s
  }
}

/**
 * Applies one `--set`, `--set-string`, `--set-json`, `--set-file` or `--set-literal` expression (`a.b=1,list[0].c=x`, `\.` and
 * `\,` escaped) to values, as Helm's strvals parser does: `--set` types `true`/`false`/`null` and
 * integers (returned as `bigint`, Helm's int64), `{a,b}` is a list, indexes extend lists with
 * `null`. The result has no prototype, so no key reaches `Object.prototype`.
 *
 * @experimental The renderer is new; its options may change in any minor.
 * @throws `HELM_VALUES_INVALID` with helm's message (`failed parsing --set data: key "a" has no value`,
 *   `failed parsing --set-file data: open x: no such file or directory`); a TypeError for `type:
 *   'file'` without `readFile`.
 * @example
 * ```ts
 * let values = parseSetValues('image.tag=v2,replicas=3')
 * values = parseSetValues('annotations.note=a\\,b', { type: 'string', values })
 * values = parseSetValues('config=app.conf', { type: 'file', values, readFile: (p) => readFileSync(p, 'utf8') })
 * await renderChart('charts/web', { fs, values })
 * ```
 */
export function parseSetValues(expression: string, options: ParseSetValuesOptions = {}): Record<string, unknown> {
  const type = options.type ?? 'set'
  const flag = type === 'set' ? '--set' : `--set-${type}`
  const out = copy(options.values ?? {}) as Table
  const readFile = options.readFile
  if (type === 'file' && readFile === undefined) throw new TypeError('parseSetValues: type "file" needs options.readFile')
  const read = (path: string): string => {
    try {
      return (readFile ?? (() => ''))(path)
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT'
      throw new SetError(missing ? `open ${path}: no such file or directory` : `open ${path}: ${(err as Error).message}`)
    }
  }
  try {
    const trimmed = expression.trim()
    if (type === 'json' && trimmed.startsWith('{')) {
      let parsed: unknown
      try {
        parsed = JSON.parse(trimmed)
      } catch (err) {
        throw new SetError((err as Error).message)
      }
      if (!isTable(parsed)) throw new SetError('not a JSON object')
      mergeInto(out, copy(parsed) as Table)
      return out
    }
    new Parser(expression, type, read).parse(out)
  } catch (err) {
    if (err instanceof SetError) {
      throw new HelmError({
        code: 'HELM_VALUES_INVALID',
        message: `failed parsing ${flag} data: ${err.message}`,
        details: { flag },
        cause: err,
      })
    }
    throw err
  }
  return out
}
