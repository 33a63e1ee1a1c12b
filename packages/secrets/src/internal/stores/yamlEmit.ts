// sops' YAML store, emitting: go-yaml v3's block style as sops configures it (indent 4), with the
// comments the parse kept, and scalars quoted where go-yaml v3 would resolve them as another type.
import { formatFloat } from '@gitops-sdk/core/go'
import { trimCharRun } from '@gitops-sdk/core/light'
import { isBase60Float, isYaml11Bool } from '@gitops-sdk/core/yaml'
import { goString, resolvePlain } from './yamlScalars.js'
import type { Branches, Comment, Entry, MapNode, Node, Scalar, SeqNode } from '../tree.js'

const INDENT = 4

function resolvesToString(s: string): boolean {
  return resolvePlain(s).kind === 'str'
}

/** libyaml's check of whether a string may be written plain in block context. */
function plainAllowed(s: string): boolean {
  if (s === '' || /^\s|\s$/.test(s)) return false
  if (/^(---|\.\.\.)/.test(s)) return false
  if (/^[#,[\]{}&*!|>'"%@`]/.test(s)) return false
  if (/^[-?:](\s|$)/.test(s)) return false
  if (/: |:$| #|\t/.test(s)) return false
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f\ufeff\u2028\u2029]/.test(s)) return false
  return true
}

function doubleQuoted(s: string): string {
  // eslint-disable-next-line no-control-regex -- libyaml escapes these in double quotes
  return `"${s.replace(/[\u0000-\u001f"\\\u007f-\u009f\u2028\u2029\ufeff]/g, (c) => {
    switch (c) {
      case '"':
        return '\\"'
      case '\\':
        return '\\\\'
      case '\n':
        return '\\n'
      case '\t':
        return '\\t'
      case '\r':
        return '\\r'
      case '\0':
        return '\\0'
      default: {
        const code = c.charCodeAt(0)
        return code <= 0xff ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}` : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`
      }
    }
  })}"`
}

// eslint-disable-next-line no-control-regex
const SPECIAL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufeff\u2028\u2029]/

/** go-yaml v3's choice of style for a string (encode.go `stringv`, then the emitter's analysis). */
function emitString(s: string): { inline: string } | { block: string; lines: string[] } {
  const special = SPECIAL.test(s) || s.includes('\t')
  if (s.includes('\n')) {
    if (special || /^[ \t]|[ \t]\n|[ \t]$/.test(s)) return { inline: doubleQuoted(s) }
    const body = trimCharRun(s, '\n', 'end')
    const trailing = s.length - body.length
    const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+'
    return { block: `|${chomp}`, lines: (trailing === 0 ? s : s.slice(0, -1)).split('\n') }
  }
  const canUsePlain = resolvesToString(s) && !isYaml11Bool(s) && !isBase60Float(s)
  if (!canUsePlain || special) return { inline: doubleQuoted(s) }
  if (plainAllowed(s)) return { inline: s }
  return { inline: `'${s.replaceAll("'", "''")}'` }
}

/**
 * go-yaml v3's form of a string that is not UTF-8 (encode.go `stringv`, `encodeBase64`): `!!binary`
 * and its base64, which from 70 characters on is cut into lines of 70, each ending in a newline,
 * and so printed as a literal block.
 */
function emitBinary(bytes: Uint8Array): { inline: string } | { block: string; lines: string[] } {
  const b64 = Buffer.from(bytes).toString('base64')
  if (b64.length < 70) return { inline: `!!binary ${b64}` }
  const lines: string[] = []
  for (let i = 0; i < b64.length; i += 70) lines.push(b64.slice(i, i + 70))
  return { block: '!!binary |', lines }
}

function scalarText(node: Scalar): { inline: string } | { block: string; lines: string[] } {
  switch (node.kind) {
    case 'str':
      return emitString(node.value)
    case 'bytes': {
      const text = goString(node.value)
      return text.kind === 'str' ? emitString(text.value) : emitBinary(node.value)
    }
    case 'int':
      return { inline: node.value.toString() }
    case 'float': {
      const g = formatFloat(node.value, 'g')
      return { inline: g === '+Inf' ? '.inf' : g === '-Inf' ? '-.inf' : g === 'NaN' ? '.nan' : g }
    }
    case 'bool':
      return { inline: node.value ? 'true' : 'false' }
    case 'null':
      return { inline: 'null' }
    case 'time':
      return { inline: node.value }
  }
}

function keyText(key: string): string {
  const t = emitString(key)
  return 'inline' in t ? t.inline : doubleQuoted(key)
}

class Emitter {
  out = ''

  private line(indent: number, text: string): void {
    this.out += `${' '.repeat(indent)}${text}\n`
  }

  private commentLines(indent: number, texts: readonly string[]): void {
    for (const t of texts) this.line(indent, `#${t}`)
  }

  /** Writes `prefix` then the value; `prefix` already holds indentation and `key:` or `- `. */
  private value(prefix: string, node: Node, layout: { indent: number; blockIndent: number; lineComment: string }): void {
    const { indent, blockIndent, lineComment } = layout
    const tail = lineComment === '' ? '' : ` #${lineComment}`
    if (node.kind === 'map') {
      if (!node.items.some((i) => i.kind === 'entry')) {
        this.out += `${prefix}{}${tail}\n`
        this.commentLines(indent, node.items.filter((i) => i.kind === 'comment').map((c) => c.text))
        return
      }
      this.out += `${prefix.trimEnd()}${tail}\n`
      this.map(node, indent)
      return
    }
    if (node.kind === 'seq') {
      if (!node.items.some((i) => i.kind !== 'comment')) {
        this.out += `${prefix}[]${tail}\n`
        return
      }
      this.out += `${prefix.trimEnd()}${tail}\n`
      this.seq(node, indent)
      return
    }
    const text = scalarText(node)
    if ('inline' in text) {
      this.out += `${prefix}${text.inline}${tail}\n`
      return
    }
    this.out += `${prefix}${text.block}${tail}\n`
    for (const l of text.lines) this.out += l === '' ? '\n' : `${' '.repeat(blockIndent)}${l}\n`
  }

  /** Walks a collection's items: head comments above an item, inline ones after its value, the rest at the end. */
  private items<T extends Entry | Node>(
    items: readonly (T | Comment)[],
    layout: { indent: number; firstPrefix: string | undefined },
    emit: (item: T, lead: string, lineComment: string) => void,
  ): void {
    let head: string[] = []
    let inline: string[] = []
    let first = true
    for (const item of items) {
      if (isComment(item)) {
        if (item.inline) inline.push(item.text)
        else head.push(item.text)
        continue
      }
      this.commentLines(layout.indent, head)
      head = []
      emit(item, first && layout.firstPrefix !== undefined ? layout.firstPrefix : ' '.repeat(layout.indent), inline.join(' #'))
      inline = []
      first = false
    }
    this.commentLines(layout.indent, [...head, ...inline])
  }

  map(node: MapNode, indent: number, firstPrefix?: string): void {
    // Inside a sequence item, block scalars indent from the dash, as go-yaml v3 writes them.
    const blockIndent = firstPrefix !== undefined ? indent - 2 + INDENT : indent + INDENT
    this.items(node.items, { indent, firstPrefix }, (item, lead, lineComment) => {
      this.value(`${lead}${keyText(item.key)}: `, item.value, { indent: indent + INDENT, blockIndent, lineComment })
    })
  }

  seq(node: SeqNode, indent: number, firstPrefix?: string): void {
    this.items(node.items, { indent, firstPrefix }, (item, lead, lineComment) => {
      const prefix = `${lead}- `
      if (item.kind === 'map' && item.items.some((i) => i.kind === 'entry')) this.map(item, indent + 2, prefix)
      else if (item.kind === 'seq' && item.items.some((i) => i.kind !== 'comment')) this.seq(item, indent + 2, prefix)
      else this.value(prefix, item, { indent: indent + INDENT, blockIndent: indent + INDENT, lineComment })
    })
  }
}

function isComment(item: Entry | Node | Comment): item is Comment {
  return item.kind === 'comment'
}

/** Prints documents as sops' YAML store does. */
export function emitYaml(branches: Branches): string {
  return branches
    .map((branch) => {
      const e = new Emitter()
      if (!branch.items.some((i) => i.kind === 'entry')) {
        const texts = branch.items.filter((i): i is Comment => i.kind === 'comment').map((c) => `#${c.text}`)
        return texts.length === 0 ? '{}\n' : `${texts.join('\n')}\n{}\n`
      }
      e.map(branch, 0)
      return e.out
    })
    .join('---\n')
}
