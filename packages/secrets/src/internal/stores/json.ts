// sops' JSON store (stores/json/store.go; FORMAT.md §9): order and duplicate keys kept, integers that fit int64
// as ints, other numbers as float64; printed as Go's encoding/json with tab indentation.
import { SopsError } from '../../errors.js'
import { formatJsonFloat, jsonString, jsonStringOfBytes } from '@gitops-sdk/core/go'
import { entry } from '../tree.js'
import type { MapNode, Node } from '../tree.js'
import { extractNested, hasNested, insertNested } from './nested.js'
import type { Store } from './store.js'

const decoder = new TextDecoder()
const encoder = new TextEncoder()
// Unrolled (plain characters as one run between escapes): one repeated group per character kept a
// backtracking frame each, and a string of a few megabytes overflowed the stack.
// eslint-disable-next-line no-control-regex -- JSON forbids raw control characters in strings
const STRING = /"[^"\\\u0000-\u001f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\u0000-\u001f]*)*"/y
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

class JsonParser {
  private pos = 0
  constructor(
    private readonly text: string,
    private readonly source: string,
  ) {}

  fail(why: string): never {
    const before = this.text.slice(0, this.pos)
    const line = before.split('\n').length
    throw new SopsError({
      code: 'SOPS_INPUT_INVALID',
      message: `${this.source}: invalid JSON at line ${line}: ${why}`,
      details: { source: this.source, line },
    })
  }

  private ws(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos] ?? '')) this.pos++
  }

  top(): MapNode {
    this.ws()
    if (this.text[this.pos] !== '{') this.fail('sops only supports JSON files with a top-level object')
    return this.object()
  }

  private object(): MapNode {
    this.pos++
    const map: MapNode = { kind: 'map', items: [] }
    this.ws()
    if (this.text[this.pos] === '}') {
      this.pos++
      return map
    }
    for (;;) {
      this.ws()
      if (this.text[this.pos] !== '"') this.fail('expected an object key')
      const key = this.string()
      this.ws()
      if (this.text[this.pos] !== ':') this.fail("expected ':' after an object key")
      this.pos++
      map.items.push(entry(key, this.value()))
      this.ws()
      const c = this.text[this.pos]
      this.pos++
      if (c === '}') return map
      if (c !== ',') this.fail("expected ',' or '}'")
    }
  }

  private array(): Node {
    this.pos++
    const items: Node[] = []
    this.ws()
    if (this.text[this.pos] === ']') {
      this.pos++
      return { kind: 'seq', items }
    }
    for (;;) {
      items.push(this.value())
      this.ws()
      const c = this.text[this.pos]
      this.pos++
      if (c === ']') return { kind: 'seq', items }
      if (c !== ',') this.fail("expected ',' or ']'")
    }
  }

  private string(): string {
    STRING.lastIndex = this.pos
    const m = STRING.exec(this.text)
    if (m === null) this.fail('malformed string')
    this.pos += m[0].length
    return JSON.parse(m[0]) as string
  }

  private value(): Node {
    this.ws()
    const c = this.text[this.pos]
    if (c === '{') return this.object()
    if (c === '[') return this.array()
    if (c === '"') return { kind: 'str', value: this.string() }
    for (const [word, node] of [
      ['true', { kind: 'bool', value: true }],
      ['false', { kind: 'bool', value: false }],
      ['null', { kind: 'null' }],
    ] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length
        return node
      }
    }
    NUMBER.lastIndex = this.pos
    const m = NUMBER.exec(this.text)
    if (m === null) this.fail('unexpected character')
    this.pos += m[0].length
    if (m[1] === undefined && m[2] === undefined) {
      const v = BigInt(m[0])
      if (v >= INT64_MIN && v <= INT64_MAX) return { kind: 'int', value: v }
    }
    return { kind: 'float', value: Number(m[0]) }
  }
}

function unsupported(why: string): SopsError {
  return new SopsError({ code: 'SOPS_UNSUPPORTED_FORMAT', message: `JSON output: ${why}`, details: {} })
}

function emitValue(node: Node, indent: string): string {
  switch (node.kind) {
    case 'map': {
      const entries = node.items.filter((i) => i.kind === 'entry')
      if (entries.length === 0) return '{}'
      const inner = `${indent}\t`
      return `{\n${entries.map((e) => `${inner}${jsonString(e.key)}: ${emitValue(e.value, inner)}`).join(',\n')}\n${indent}}`
    }
    case 'seq': {
      const items = node.items.filter((i): i is Node => i.kind !== 'comment')
      if (items.length === 0) return '[]'
      const inner = `${indent}\t`
      return `[\n${items.map((i) => `${inner}${emitValue(i, inner)}`).join(',\n')}\n${indent}]`
    }
    case 'str':
      return jsonString(node.value)
    case 'bytes':
      return jsonStringOfBytes(node.value)
    case 'int':
      return node.value.toString()
    case 'float':
      if (!Number.isFinite(node.value)) throw unsupported('infinite and NaN floats cannot be written')
      return formatJsonFloat(node.value)
    case 'bool':
      return node.value ? 'true' : 'false'
    case 'null':
      return 'null'
    case 'time':
      return jsonString(node.value)
  }
}

/** Prints one document as sops' JSON store does. */
export function emitJsonDocument(branch: MapNode): string {
  return `${emitValue(branch, '')}\n`
}

export function parseJsonDocument(text: string, source: string): MapNode {
  return new JsonParser(text, source).top()
}

export const jsonStore: Store = {
  parse(input, source) {
    return [parseJsonDocument(decoder.decode(input), source)]
  },
  emit(branches) {
    const [first] = branches
    return encoder.encode(emitJsonDocument(first ?? { kind: 'map', items: [] }))
  },
  extract: extractNested,
  insert: insertNested,
  hasMetadata: hasNested,
}
