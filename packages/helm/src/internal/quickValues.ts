// Values files, Chart.yaml and most `fromYaml` input without the `yaml` package. Loading that package
// (sixty CommonJS files) was a fifth of the CPU of `gitops template` of a local chart, and these
// texts are nearly always plain: block mappings and sequences of one-line scalars, with `{...}` and
// `[...]` flow collections on one line (values files often write `image: {repository: x, tag: ""}`).
// This reader accepts only a subset of YAML that the full parse provably accepts, reads every
// scalar's text as the full parse does and resolves it the same way (yamlValues.ts's plainValue);
// it answers `undefined` for anything else (anchors, tags, block scalars, multi-line scalars, escapes,
// quoted keys, `<<`, several documents, tabs, odd indentation...), which the caller then parses
// fully: the value and the errors are the same either way, only faster here.
import { defaultYamlBudget, withinYamlNesting } from '@gitops-sdk/core/yaml'
import { type PlainLine, PlainLines, afterScalarRe, isEntry, keyRe, unusualRe } from './plainYaml.js'
import type { GoMap, GoValue } from './template/values.js'

/** How a plain scalar's text resolves (as yamlValues.ts resolves a plain scalar), and a key's text. */
export interface PlainRules {
  readonly value: (text: string) => GoValue
  readonly key: (text: string) => string | undefined
}

class Bail extends Error {}
const BAIL = new Bail()

// The start of a plain scalar in block context: no indicator, or `-` before a character that is no space.
const plainStartRe = /^(?:[^-?:,[\]{}#&*!|>'"%@`\s]|-[^\s])/
// A plain scalar inside a flow collection: no indicator at all, no `:` or `#`.
const flowPlainRe = /^(?:[^-?:,[\]{}#&*!|>'"%@`\s]|-[^\s,[\]{}#:])[^,[\]{}#:]*$/
const flowKeyRe = /^[A-Za-z0-9_][A-Za-z0-9_./-]{0,999}$/
// Texts the full parse would refuse for their size or nesting are its to refuse (within its size
// budget, a text of one document is never too large).
const maxSize = defaultYamlBudget.maxDocumentSize
const maxDepth = 100

class Reader {
  private readonly lines: PlainLines

  constructor(
    text: string,
    private readonly rules: PlainRules,
  ) {
    this.lines = new PlainLines(text)
  }

  document(): GoValue {
    const first = this.lines.line
    if (first === undefined) {
      if (this.lines.marker) throw BAIL
      return null
    }
    if (first.indent !== 0 || isEntry(first.text)) throw BAIL
    const value = this.mapping(0, 0)
    if (this.lines.line !== undefined || this.lines.marker) throw BAIL
    return value
  }

  private peek(): PlainLine | undefined {
    return this.lines.line
  }

  /** A block mapping whose keys are at column `indent`; the first line's key may follow a `- `. */
  private mapping(indent: number, depth: number, firstText?: string): GoMap {
    if (depth > maxDepth) throw BAIL
    const m: GoMap = new Map()
    let text = firstText
    for (;;) {
      if (text === undefined) {
        const line = this.peek()
        if (line === undefined || line.indent < indent) return m
        if (line.indent > indent || isEntry(line.text)) throw BAIL
        text = line.text
      }
      this.lines.next()
      const match = keyRe.exec(text)
      const keyText = match?.[1]
      if (keyText === undefined) throw BAIL
      const key = this.rules.key(keyText)
      if (key === undefined || key === '<<') throw BAIL
      const rest = text.slice(keyText.length + 1).trimStart()
      let value: GoValue
      if (rest === '' || rest.startsWith('#')) {
        const next = this.peek()
        if (next !== undefined && next.indent > indent) value = this.block(next.indent, depth + 1)
        else if (next !== undefined && next.indent === indent && isEntry(next.text)) value = this.sequence(indent, depth + 1)
        else value = null
      } else {
        value = this.inline(rest, depth + 1)
        this.noContinuation(indent)
      }
      m.set(key, value)
      text = undefined
    }
  }

  /** A block sequence whose dashes are at column `indent`. */
  private sequence(indent: number, depth: number): GoValue[] {
    if (depth > maxDepth) throw BAIL
    const out: GoValue[] = []
    for (;;) {
      const line = this.peek()
      if (line === undefined || line.indent < indent) return out
      if (line.indent > indent) throw BAIL
      if (!isEntry(line.text)) return out
      if (line.text === '-') {
        this.lines.next()
        const next = this.peek()
        out.push(next !== undefined && next.indent > indent ? this.block(next.indent, depth + 1) : null)
        continue
      }
      let spaces = 1
      while (line.text.charCodeAt(spaces) === 0x20) spaces++
      const rest = line.text.slice(spaces)
      if (rest.startsWith('#') || isEntry(rest)) throw BAIL
      if (keyRe.test(rest)) {
        // `- key: ...` opens a mapping at the key's column (which moves past this line).
        out.push(this.mapping(indent + spaces, depth + 1, rest))
        continue
      }
      this.lines.next()
      out.push(this.inline(rest, depth + 1))
      this.noContinuation(indent)
    }
  }

  /** The block collection starting at the current line, indented to `indent`. */
  private block(indent: number, depth: number): GoValue {
    const line = this.peek()
    if (line === undefined) throw BAIL
    return isEntry(line.text) ? this.sequence(indent, depth) : this.mapping(indent, depth)
  }

  /** A value after a one-line scalar or flow collection: a more indented line would continue it. */
  private noContinuation(indent: number): void {
    const next = this.peek()
    if (next !== undefined && next.indent > indent) throw BAIL
  }

  /** The rest of a line after `key: ` or `- `: one scalar or flow collection, maybe a comment. */
  private inline(rest: string, depth: number): GoValue {
    const c = rest.charCodeAt(0)
    if (c === 0x22 /* " */ || c === 0x27 /* ' */) {
      const [value, end] = quoted(rest, 0)
      if (!afterScalarRe.test(rest.slice(end))) throw BAIL
      return value
    }
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const flow = new Flow(rest, this.rules)
      const value = flow.collection(depth)
      if (!afterScalarRe.test(rest.slice(flow.at))) throw BAIL
      return value
    }
    if (!plainStartRe.test(rest)) throw BAIL
    const hash = rest.indexOf(' #')
    const body = (hash < 0 ? rest : rest.slice(0, hash)).trimEnd()
    if (body.includes(': ') || body.endsWith(':')) throw BAIL
    return this.rules.value(body)
  }
}

/** A one-line quoted scalar starting at `from`: its value and the index after its closing quote. */
function quoted(s: string, from: number): [string, number] {
  const q = s.charAt(from)
  if (q === '"') {
    const end = s.indexOf('"', from + 1)
    // Escapes are the full parser's.
    if (end < 0 || s.slice(from + 1, end).includes('\\')) throw BAIL
    return [s.slice(from + 1, end), end + 1]
  }
  let out = ''
  let i = from + 1
  for (;;) {
    const end = s.indexOf("'", i)
    if (end < 0) throw BAIL
    out += s.slice(i, end)
    if (s.charCodeAt(end + 1) === 0x27) {
      out += "'"
      i = end + 2
      continue
    }
    return [out, end + 1]
  }
}

/** A flow collection on one line: `{key: value, ...}` and `[value, ...]`, nested. */
class Flow {
  at = 0

  constructor(
    private readonly s: string,
    private readonly rules: PlainRules,
  ) {}

  collection(depth: number): GoValue {
    if (depth > maxDepth) throw BAIL
    const open = this.s.charAt(this.at)
    const close = open === '{' ? '}' : ']'
    this.at++
    const m: GoMap = new Map()
    const list: GoValue[] = []
    for (;;) {
      this.spaces()
      if (this.s.charAt(this.at) === close) {
        this.at++
        return open === '{' ? m : list
      }
      if (open === '{') {
        const key = this.key()
        this.spaces()
        m.set(key, this.value(depth))
      } else {
        list.push(this.value(depth))
      }
      this.spaces()
      const c = this.s.charAt(this.at)
      if (c === ',') this.at++
      else if (c !== close) throw BAIL
    }
  }

  private spaces(): void {
    while (this.s.charCodeAt(this.at) === 0x20) this.at++
  }

  /** A plain key followed by `: `. */
  private key(): string {
    const colon = this.s.indexOf(':', this.at)
    if (colon < 0 || this.s.charCodeAt(colon + 1) !== 0x20) throw BAIL
    const text = this.s.slice(this.at, colon)
    if (!flowKeyRe.test(text)) throw BAIL
    const key = this.rules.key(text)
    if (key === undefined || key === '<<') throw BAIL
    this.at = colon + 2
    return key
  }

  private value(depth: number): GoValue {
    const c = this.s.charAt(this.at)
    if (c === '{' || c === '[') return this.collection(depth + 1)
    if (c === '"' || c === "'") {
      const [value, end] = quoted(this.s, this.at)
      this.at = end
      return value
    }
    let end = this.at
    while (end < this.s.length && !',]}'.includes(this.s.charAt(end))) end++
    const text = this.s.slice(this.at, end).trimEnd()
    if (!flowPlainRe.test(text) || text.includes(' #')) throw BAIL
    this.at = end
    return this.rules.value(text)
  }
}

/**
 * The value of a YAML text when it is written in the plain subset described above; `undefined`
 * when the full parse must decide (it then gives the same value, or the error).
 */
export function quickValues(text: string, rules: PlainRules): GoValue | undefined {
  if (text.length > maxSize || unusualRe.test(text) || !withinYamlNesting(text, defaultYamlBudget.maxDepth)) return undefined
  try {
    return new Reader(text, rules).document()
  } catch (err) {
    if (err === BAIL || err instanceof RangeError) return undefined
    throw err
  }
}
