// sops' INI store (stores/ini/store.go on go-ini v1 with non-unique sections): sections are the
// top-level keys, every value a string; the metadata is the flattened `[sops]` section, newlines
// written as `\n`. Parsing and printing follow go-ini's defaults.
import { SopsError } from '../../errors.js'
import { flatten, unflatten } from '../flatten.js'
import { entry, str } from '../tree.js'
import type { Branches, Comment, Entry, MapNode } from '../tree.js'
import { valToString } from './flat.js'
import type { Store } from './store.js'

const decoder = new TextDecoder()
const encoder = new TextEncoder()

function stripCommentChar(comment: string): string {
  if (comment.startsWith(';')) return comment.replace(/^[; ]+/, '')
  if (comment.startsWith('#')) return comment.replace(/^[# ]+/, '')
  return comment
}

function surrounded(s: string, q: string): boolean {
  return s.length >= 2 && s.startsWith(q) && s.endsWith(q) && s.indexOf(q, 1) === s.length - 1
}

interface Section {
  readonly name: string
  comment: string
  readonly keys: { key: string; value: string; comment: string }[]
}

function fail(source: string, line: number, why: string): never {
  throw new SopsError({ code: 'SOPS_INPUT_INVALID', message: `${source}: line ${line}: ${why}`, details: { source, line } })
}

/** go-ini's parser with the options sops uses. */
function parseIni(text: string, source: string): Section[] {
  const lines = text.replace(/^\uFEFF/, '').split('\n')
  const sections: Section[] = [{ name: 'DEFAULT', comment: '', keys: [] }]
  let section = sections[0] as Section
  let comment = ''
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/^\s+/, '')
    if (line === '') continue
    if (line.startsWith('#') || line.startsWith(';')) {
      comment += `${line}\n`
      continue
    }
    if (line.startsWith('[')) {
      const close = line.lastIndexOf(']')
      if (close < 0) fail(source, i + 1, 'unclosed section')
      const trailing = line.slice(close + 1)
      const hash = trailing.search(/[#;]/)
      if (hash >= 0) comment += trailing.slice(hash)
      section = { name: line.slice(1, close), comment: comment.trim(), keys: [] }
      sections.push(section)
      comment = ''
      continue
    }
    let key: string
    let rest: string
    const quote = line.startsWith('"""') && line.length > 6 ? '"""' : line.startsWith('"') ? '"' : line.startsWith('`') ? '`' : ''
    if (quote !== '') {
      const end = line.indexOf(quote, quote.length)
      if (end < 0) fail(source, i + 1, 'missing closing key quote')
      const delim = line.slice(end + quote.length).search(/[=:]/)
      if (delim < 0) fail(source, i + 1, 'no key-value delimiter')
      key = line.slice(quote.length, end).trim()
      rest = line.slice(end + quote.length + delim + 1)
    } else {
      const delim = line.search(/[=:]/)
      if (delim < 0) fail(source, i + 1, 'no key-value delimiter')
      if (delim === 0) fail(source, i + 1, 'empty key name')
      key = line.slice(0, delim).trim()
      rest = line.slice(delim + 1)
    }
    let value = rest.replace(/^\s+/, '')
    const valueQuote = value.length > 3 && value.startsWith('"""') ? '"""' : value.startsWith('`') ? '`' : ''
    if (valueQuote !== '') {
      const body = value.slice(valueQuote.length)
      const end = body.lastIndexOf(valueQuote)
      if (end >= 0) {
        value = body.slice(0, end)
      } else {
        value = `${body}\n`
        for (;;) {
          i++
          if (i >= lines.length) fail(source, i, 'missing closing value quote')
          const next = lines[i] ?? ''
          const pos = next.lastIndexOf(valueQuote)
          if (pos >= 0) {
            value += next.slice(0, pos)
            const after = next.slice(pos).search(/[#;]/)
            if (after >= 0) comment += next.slice(pos + after).trim()
            break
          }
          value += `${next}\n`
        }
      }
    } else if (value !== '') {
      value = value.trim()
      if (value.endsWith('\\')) {
        value = value.slice(0, -1)
        for (;;) {
          i++
          const next = (lines[i] ?? '').trim()
          if (next === '' || i >= lines.length) break
          value += next
          if (!value.endsWith('\\')) break
          value = value.slice(0, -1)
        }
      } else {
        const hash = value.search(/[#;]/)
        if (hash >= 0) {
          comment += value.slice(hash)
          value = value.slice(0, hash).trim()
        }
        if (surrounded(value, "'") || surrounded(value, '"')) value = value.slice(1, -1)
      }
    }
    const existing = section.keys.find((k) => k.key === key)
    if (existing === undefined) section.keys.push({ key, value, comment: comment.trim() })
    else Object.assign(existing, { value, comment: comment.trim() })
    comment = ''
  }
  return sections
}

function commentLine(text: string, trim: boolean): string {
  if (text.startsWith('#') || text.startsWith(';')) return `${text[0] ?? ''} ${text.slice(1).trim()}`
  return `; ${trim ? text.trim() : text}`
}

/** go-ini's writer with its default pretty format: `=` aligned per section, a blank line between sections. */
function emitIni(sections: readonly Section[]): string {
  let out = ''
  sections.forEach((sec, i) => {
    if (sec.comment !== '') for (const line of sec.comment.split('\n')) out += `${commentLine(line, false)}\n`
    if (i > 0 || sec.name.toUpperCase() !== 'DEFAULT') out += `[${sec.name}]\n`
    else if (sec.keys.length === 0) return
    const shown = sec.keys.map(({ key }) => (key.includes('"') || /[=:]/.test(key) ? `\`${key}\`` : key.includes('`') ? `"""${key}"""` : key))
    const align = Math.max(0, ...shown.map((k) => k.length))
    sec.keys.forEach(({ value, comment }, k) => {
      if (comment !== '') for (const line of comment.split('\n')) out += `${commentLine(line, true)}\n`
      let v = value
      if (/[\n`]/.test(v)) v = `"""${v}"""`
      else if (/[#;]/.test(v)) v = `\`${v}\``
      else if (v.trim().length !== v.length) v = `"${v}"`
      const name = shown[k] ?? ''
      out += `${name}${' '.repeat(align - name.length)} = ${v}\n`
    })
    if (i < sections.length - 1) out += '\n'
  })
  return out
}

function section(branch: MapNode, name: string): MapNode | undefined {
  for (const item of branch.items) if (item.kind === 'entry' && item.key === name && item.value.kind === 'map') return item.value
  return undefined
}

export const iniStore: Store = {
  parse(input, source) {
    const branch: MapNode = { kind: 'map', items: [] }
    for (const sec of parseIni(decoder.decode(input), source)) {
      const items: (Entry | Comment)[] = []
      if (sec.comment !== '') items.push({ kind: 'comment', text: stripCommentChar(sec.comment), inline: false })
      for (const { key, value, comment } of sec.keys) {
        items.push(entry(key, str(value)))
        if (comment !== '') items.push({ kind: 'comment', text: stripCommentChar(comment), inline: false })
      }
      // go-ini always has a DEFAULT section; sops writes it only when it has keys.
      if (sec.name === 'DEFAULT' && sec.keys.length === 0 && sec.comment === '') continue
      branch.items.push(entry(sec.name, { kind: 'map', items }))
    }
    return [branch]
  },
  emit(branches) {
    const sections: Section[] = []
    for (const item of branches[0]?.items ?? []) {
      if (item.kind !== 'entry') continue
      if (item.value.kind !== 'map') {
        throw new SopsError({ code: 'SOPS_UNSUPPORTED_FORMAT', message: `INI output: ${item.key}: values must sit in sections`, details: {} })
      }
      const sec: Section = { name: item.key, comment: '', keys: [] }
      item.value.items.forEach((child, idx) => {
        if (child.kind === 'comment') {
          if (idx === 0) sec.comment = child.text
          else {
            const last = sec.keys[sec.keys.length - 1]
            if (last !== undefined) last.comment = child.text
          }
          return
        }
        sec.keys.push({ key: child.key, value: valToString(child.value, 'INI'), comment: '' })
      })
      sections.push(sec)
    }
    return encoder.encode(emitIni(sections))
  },
  extract(branches, source) {
    const branch = branches[0]
    if (branch === undefined) return undefined
    const meta = section(branch, 'sops')
    if (meta === undefined) return undefined
    branch.items.splice(
      branch.items.findIndex((i) => i.kind === 'entry' && i.key === 'sops'),
      1,
    )
    const entries = meta.items
      .filter((i): i is Entry => i.kind === 'entry')
      .map((e) => (e.value.kind === 'str' ? entry(e.key, str(e.value.value.replaceAll('\\n', '\n'))) : e))
    return unflatten(entries, source)
  },
  insert(branches: Branches, metadata: MapNode) {
    const flat = flatten(metadata, '').map((e) => entry(e.key, str(valToString(e.value, 'INI').replaceAll('\n', '\\n'))))
    return branches.map((b, i) => (i === 0 ? { kind: 'map', items: [...b.items, entry('sops', { kind: 'map', items: flat })] } : b))
  },
  hasMetadata(branches) {
    return branches.some((b) => section(b, 'sops') !== undefined)
  },
}
