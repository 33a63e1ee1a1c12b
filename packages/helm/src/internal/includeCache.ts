// What lets `include` answer a call from memory. Charts call the same helpers many times per file
// with the same dot (`include "app.labels" .` for metadata, selector and pod template), and the
// answer is the same each time unless something between the calls can differ: a function that
// changes a map in place (Sprig's set, unset, merge...) or one whose answer is not a function of its
// arguments (clock, randomness, key generation, DNS). A render whose templates call none of those
// (nor `call`, which can reach any function value) keeps each include's text by template name and
// dot; a `tpl` text calling one turns the memory off from then on, before that text runs.
// A function added to the function map that changes its arguments or is not deterministic belongs
// in the list below.
import type { ListNode, Node, TreeSource } from './template/nodes.js'
import type { ParsedTemplate } from './template/parse.js'
import type { GoValue } from './template/values.js'

const unsafeFunctions: ReadonlySet<string> = new Set([
  // change a map in place
  'set',
  'unset',
  'merge',
  'mergeOverwrite',
  'mustMerge',
  'mustMergeOverwrite',
  // read the clock (date and its kin use the current time for an argument that is not a time)
  'now',
  'ago',
  'date',
  'dateInZone',
  'htmlDate',
  'htmlDateInZone',
  'durationRound',
  // random, or keys and certificates made fresh
  'randAlphaNum',
  'randAlpha',
  'randNumeric',
  'randAscii',
  'randBytes',
  'randInt',
  'shuffle',
  'uuidv4',
  'bcrypt',
  'htpasswd',
  'encryptAES',
  'genPrivateKey',
  'genCA',
  'genCAWithKey',
  'genSelfSignedCert',
  'genSelfSignedCertWithKey',
  'genSignedCert',
  'genSignedCertWithKey',
  'buildCustomCert',
  // the outside world, and any function value
  'getHostByName',
  'lookup',
  'call',
])

function listUses(list: ListNode | undefined): boolean {
  if (list === undefined) return false
  for (const n of list.nodes) if (nodeUses(n)) return true
  return false
}

function nodeUses(n: Node): boolean {
  const t = n.type
  if (t === 'identifier') return unsafeFunctions.has(n.ident)
  if (t === 'list') return listUses(n)
  if (t === 'action') return nodeUses(n.pipe)
  if (t === 'if' || t === 'range' || t === 'with') return nodeUses(n.pipe) || listUses(n.list) || listUses(n.elseList)
  if (t === 'template') return n.pipe !== undefined && nodeUses(n.pipe)
  if (t === 'pipe') return n.cmds.some(nodeUses)
  if (t === 'command') return n.args.some(nodeUses)
  if (t === 'chain') return nodeUses(n.node)
  return false
}

// A template can only call a function whose name its text holds as a word: a file whose text names
// none is not walked (a chart's files rarely do, and walking every tree of a large chart at its
// first include was a measurable part of the render). Answers are kept by text source, which the
// parses of one text share.
const unsafeWordRe = new RegExp(`\\b(?:${[...unsafeFunctions].join('|')})\\b`)
const namesUnsafe = new WeakMap<TreeSource, boolean>()

function mayCallUnsafe(src: TreeSource): boolean {
  let known = namesUnsafe.get(src)
  if (known === undefined) namesUnsafe.set(src, (known = unsafeWordRe.test(src.text)))
  return known
}

/** Whether any of the templates calls a function that makes include's answers differ between calls. */
export function callsUnsafeFunction(templates: Iterable<ParsedTemplate>): boolean {
  for (const t of templates) if (mayCallUnsafe(t.src) && listUses(t.root)) return true
  return false
}

/** Include's answers of one render, by template name and dot. */
export class IncludeCache {
  private readonly byName = new Map<string, Map<GoValue, string>>()
  private readonly converted = new Map<(v: GoValue) => string, WeakMap<object, string>>()
  private on: boolean

  constructor(templates: Iterable<ParsedTemplate>) {
    this.on = !callsUnsafeFunction(templates)
  }

  get(name: string, dot: GoValue): string | undefined {
    return this.on ? this.byName.get(name)?.get(dot) : undefined
  }

  set(name: string, dot: GoValue, text: string): void {
    if (!this.on) return
    let m = this.byName.get(name)
    if (m === undefined) this.byName.set(name, (m = new Map<GoValue, string>()))
    m.set(dot, text)
  }

  /**
   * `f(value)` for a map or list, answered from memory for the same object while answers are kept:
   * `toYaml` and `toJson` of `.Values` subtrees, which charts print in many files, depend only on
   * the tree, and no function of a render that keeps answers changes a tree.
   */
  convert(f: (v: GoValue) => string, value: GoValue): string {
    if (!this.on || (!(value instanceof Map) && !Array.isArray(value))) return f(value)
    let byValue = this.converted.get(f)
    if (byValue === undefined) this.converted.set(f, (byValue = new WeakMap()))
    let text = byValue.get(value)
    if (text === undefined) byValue.set(value, (text = f(value)))
    return text
  }

  /** Forgets every answer and keeps none from now on. */
  off(): void {
    this.on = false
    this.byName.clear()
    this.converted.clear()
  }
}
