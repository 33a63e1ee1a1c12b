// The kind of a rendered document without building its YAML tree. helm template only reads each
// document's `kind` and `metadata.annotations["helm.sh/hook"]` (util.SimpleHead), yet every document
// must be YAML; a full parse of each document was most of a large chart's render. This reader
// accepts a conservative subset of block YAML that a full parse provably accepts (block mappings and
// sequences of plain, quoted, `{}` and `[]` scalars, literal and folded block scalars as mapping
// values, comments) and answers `undefined` for anything
// else, which the caller then parses fully: the answer is the same either way, only faster here.

import { defaultYamlBudget, withinYamlNesting } from '@gitops-sdk/core/yaml'
import { PlainLines, afterScalarRe, isEntry, keyRe, unusualRe } from './plainYaml.js'

/** What helm reads of a document, when the quick reader is sure of it. */
export interface QuickHead {
  readonly kind: string
}

// YAML 1.1 words that would not read as a string `kind` (go-yaml v2 resolves them).
const notStrings = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'on', 'On', 'ON', 'off', 'Off', 'OFF', 'null', 'Null', 'NULL'])
// Keys whose value may need a YAML tree: null keys fail the JSON conversion.
const nullKeys = new Set(['null', 'Null', 'NULL'])
const kindRe = /^[A-Za-z][A-Za-z0-9]*$/
const plainStartRe = /^[^-?:,[\]{}#&*!|>'"%@`]/
const escapeRe = /^\\(?:[0abtnvfre "/\\N_LP]|x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})/
// A block scalar's header with no indentation indicator: `|` or `>`, maybe a chomping indicator, maybe a comment.
const blockHeaderRe = /^[|>][-+]?(?: *| +#.*)$/
// Documents the full parse would refuse for their size or nesting are its to refuse; deep ones are its too.
const maxQuickSize = defaultYamlBudget.maxDocumentSize
const maxQuickDepth = 200

/** Whether `v` (the rest of a line after `key: ` or `- `) is a scalar this reader is sure of. */
function scalarOk(v: string): boolean {
  const c = v.charCodeAt(0)
  if (c === 0x22 /* " */) {
    let i = 1
    for (;;) {
      const q = v.indexOf('"', i)
      const b = v.indexOf('\\', i)
      if (q < 0) return false
      if (b >= 0 && b < q) {
        const m = escapeRe.exec(v.slice(b, b + 10))
        if (m === null) return false
        i = b + m[0].length
        continue
      }
      return afterScalarRe.test(v.slice(q + 1))
    }
  }
  if (c === 0x27 /* ' */) {
    let i = 1
    for (;;) {
      const q = v.indexOf("'", i)
      if (q < 0) return false
      if (v.charCodeAt(q + 1) === 0x27) {
        i = q + 2
        continue
      }
      return afterScalarRe.test(v.slice(q + 1))
    }
  }
  if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
    return (v.startsWith('{}') || v.startsWith('[]')) && afterScalarRe.test(v.slice(2))
  }
  if (c === 0x2d /* - */ || c === 0x3f /* ? */ || c === 0x3a /* : */) {
    const next = v.charCodeAt(1)
    if (Number.isNaN(next) || next === 0x20) return false
  } else if (!plainStartRe.test(v)) {
    return false
  }
  // A plain scalar holds no `: ` (a nested mapping) and does not end in `:`; ` #` starts a comment.
  const hash = v.indexOf(' #')
  const body = hash < 0 ? v : v.slice(0, hash)
  return !body.includes(': ') && !body.trimEnd().endsWith(':')
}

/**
 * The `kind` of a rendered document (already split and trimmed) when it is plain block YAML
 * without `helm.sh/hook`; `undefined` when a full parse must decide.
 */
export function quickHead(doc: string): QuickHead | undefined {
  // A \\u escape of a surrogate or any \\U escape may be one go-yaml refuses: the full parse decides.
  if (doc.length > maxQuickSize || unusualRe.test(doc) || doc.includes('helm.sh/hook') || /\\(?:u[dD][89a-fA-F]|U)/.test(doc) || !withinYamlNesting(doc, defaultYamlBudget.maxDepth)) return undefined
  // The open block collections, innermost last: their indents and whether each is a sequence
  // (two arrays rather than an object per level; this runs cold, once per document).
  const indents: number[] = []
  const seqs: boolean[] = []
  // After `key:` or `-` with nothing more on the line: the indent of that key or dash (-1 when
  // none), and whether a sequence may follow at the same indent (it may under a mapping key).
  let pendingIndent = -1
  let pendingSameIndentSeq = false
  let kind: string | undefined
  let kinds = 0
  // Inside a block scalar: the indent of the key it is the value of (-1 when none), and the indent
  // of its content once its first line fixed it (-1 before).
  let blockParent = -1
  let blockIndent = -1
  const lines = new PlainLines(doc, true)
  for (let line = lines.line; line !== undefined; lines.next(), line = lines.line) {
    const n = line.indent
    let content = line.text
    if (blockParent >= 0) {
      if (content === '') {
        // An empty line belongs to the scalar; spaces before its first line are the full parse's
        // (more of them than the content's indentation is an error).
        if (blockIndent < 0 && n > 0) return undefined
        continue
      }
      if (blockIndent < 0 && n > blockParent) blockIndent = n
      if (blockIndent >= 0 && n >= blockIndent) continue
      // Less indented than the content but more than the key: the full parse decides.
      if (n > blockParent) return undefined
      blockParent = -1
      blockIndent = -1
    }
    if (content === '' || content.charCodeAt(0) === 0x23 /* # */) continue
    const entry = isEntry(content)
    if (pendingIndent >= 0) {
      if (n > pendingIndent || (n === pendingIndent && entry && pendingSameIndentSeq)) {
        indents.push(n)
        seqs.push(entry)
        if (indents.length > maxQuickDepth) return undefined
      }
      pendingIndent = -1
    }
    while (indents.length > 0 && (indents[indents.length - 1] as number) > n) {
      indents.pop()
      seqs.pop()
    }
    if (indents.length === 0) {
      // The document's root: a mapping at column 0.
      if (n !== 0 || entry) return undefined
      indents.push(0)
      seqs.push(false)
    }
    if (indents[indents.length - 1] !== n) return undefined
    let inSeq = seqs[seqs.length - 1] === true
    if (inSeq && !entry) {
      indents.pop()
      seqs.pop()
      if (indents.length === 0 || indents[indents.length - 1] !== n || seqs[seqs.length - 1] === true) return undefined
      inSeq = false
    }
    let keyIndent = n
    let m: RegExpExecArray | null
    if (inSeq) {
      if (content === '-') {
        pendingIndent = n
        pendingSameIndentSeq = false
        continue
      }
      content = content.slice(2)
      const c = content.charCodeAt(0)
      if (c === 0x20 || c === 0x2d /* - */ && (content.length === 1 || content.charCodeAt(1) === 0x20)) return undefined
      m = keyRe.exec(content)
      if (m === null) {
        if (!scalarOk(content)) return undefined
        continue
      }
      // `- key: ...` opens a mapping two columns in.
      keyIndent = n + 2
      indents.push(keyIndent)
      seqs.push(false)
      if (indents.length > maxQuickDepth) return undefined
    } else if (entry) {
      return undefined
    } else {
      m = keyRe.exec(content)
    }
    const key = m?.[1]
    if (key === undefined || nullKeys.has(key)) return undefined
    const value = content.slice(key.length + 1).trimStart()
    const isKind = indents.length === 1 && key === 'kind'
    if (isKind) kinds++
    if (value === '' || value.startsWith('#')) {
      if (isKind) return undefined
      pendingIndent = keyIndent
      pendingSameIndentSeq = true
      continue
    }
    if (blockHeaderRe.test(value)) {
      if (isKind) return undefined
      blockParent = keyIndent
      continue
    }
    if (!scalarOk(value)) return undefined
    if (isKind) {
      if (!kindRe.test(value) || notStrings.has(value)) return undefined
      kind = value
    }
  }
  if (lines.marker || kinds > 1) return undefined
  return { kind: kind ?? '' }
}
