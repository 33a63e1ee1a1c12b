// The parser of Go's text/template (text/template/parse/parse.go): same grammar, variable scoping,
// function checks and error messages (`template: NAME:LINE: ...`).
import { type Item, type ItemType, lex } from './lex.js'
import { type NumberFacets, SyntaxError, numberFacets } from './literals.js'
import {
  type ArgNode,
  type BranchNode,
  type CommandNode,
  type EndNode,
  type ListNode,
  type Node,
  type PipeNode,
  type TemplateNode,
  type TreeSource,
  type VariableNode,
  nodeString,
} from './nodes.js'
import { TokenReader } from './tokens.js'

export { ParseError } from './tokens.js'

/** One named template: its body and where it was parsed. */
export interface ParsedTemplate {
  readonly name: string
  readonly root: ListNode
  readonly src: TreeSource
}

/**
 * Parses one file named `name`; returns the file's own tree (under `name`) and each `define`d or
 * `block` template, in the order Go adds them.
 */
export function parseTemplate(
  name: string,
  text: string,
  hasFunction: (name: string) => boolean,
): ParsedTemplate[] {
  const src: TreeSource = { parseName: name, text }
  const p = new Parser(src, lex(text), hasFunction)
  return p.parseFile(name)
}

const commandStarts: ReadonlySet<ItemType> = new Set<ItemType>([
  'bool',
  'charConstant',
  'complex',
  'dot',
  'field',
  'identifier',
  'number',
  'nil',
  'rawString',
  'string',
  'variable',
  'leftParen',
])

// The facets of the number literals seen so far, by text: charts repeat the same few (`nindent 4`,
// `trunc 63`), and reading one takes BigInt and regular-expression work.
const facetsByText = new Map<string, NumberFacets>()

function cachedNumberFacets(text: string, isChar: boolean): NumberFacets {
  // (A character constant's text starts with a quote, a number's never does: the text is the key.)
  let f = facetsByText.get(text)
  if (f === undefined) {
    f = numberFacets(text, isChar)
    if (facetsByText.size >= 4096) facetsByText.clear()
    facetsByText.set(text, f)
  }
  return f
}

function isEmptyTree(n: Node): boolean {
  if (n.type === 'list') return n.nodes.every(isEmptyTree)
  if (n.type === 'text') return n.text.trim() === ''
  return n.type === 'comment'
}

class Parser extends TokenReader {
  private vars: string[] = ['$']
  private rangeDepth = 0
  private readonly defined: ParsedTemplate[] = []

  constructor(
    src: TreeSource,
    items: Item[],
    private readonly hasFunction: (name: string) => boolean,
  ) {
    super(src, items)
  }

  parseFile(name: string): ParsedTemplate[] {
    const root = this.list(this.peek().pos)
    while (this.peek().typ !== 'EOF') {
      if (this.peek().typ === 'leftDelim') {
        const save = this.i
        this.next()
        if (this.nextNonSpace().typ === 'define') {
          this.parseDefinition()
          continue
        }
        this.i = save
      }
      const n = this.textOrAction()
      if (n.type === 'end' || n.type === 'else') this.errorf(`unexpected ${nodeString(n)}`)
      if (n.type !== 'comment') root.nodes.push(n)
    }
    return [{ name, root, src: this.src }, ...this.defined]
  }

  private add(t: ParsedTemplate): void {
    const existing = this.defined.find((d) => d.name === t.name)
    if (existing === undefined || isEmptyTree(existing.root)) {
      if (existing !== undefined) this.defined.splice(this.defined.indexOf(existing), 1)
      this.defined.push(t)
      return
    }
    if (!isEmptyTree(t.root)) this.errorf(`template: multiple definition of template ${JSON.stringify(t.name)}`)
  }

  private parseDefinition(): void {
    const context = 'define clause'
    const token = this.nextNonSpace()
    if (token.typ !== 'string' && token.typ !== 'rawString') this.unexpected(token, context)
    const name = this.unquote(token.val)
    this.expect('rightDelim', context)
    const savedVars = this.vars
    const savedDepth = this.rangeDepth
    this.vars = ['$']
    this.rangeDepth = 0
    const [root, end] = this.itemList()
    if (end.type !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`)
    this.vars = savedVars
    this.rangeDepth = savedDepth
    this.add({ name, root, src: this.src })
  }

  // --- structure

  private list(pos: number): ListNode {
    return { type: 'list', pos, src: this.src, nodes: [] }
  }

  private itemList(): [ListNode, EndNode] {
    const list = this.list(this.peekNonSpace().pos)
    while (this.peekNonSpace().typ !== 'EOF') {
      const n = this.textOrAction()
      if (n.type === 'end' || n.type === 'else') return [list, n]
      if (n.type !== 'comment') list.nodes.push(n)
    }
    this.errorf('unexpected EOF')
  }

  private textOrAction(): Node {
    const token = this.nextNonSpace()
    if (token.typ === 'text') return { type: 'text', pos: token.pos, src: this.src, text: token.val }
    if (token.typ === 'comment') return { type: 'comment', pos: token.pos, src: this.src, text: token.val }
    if (token.typ !== 'leftDelim') this.unexpected(token, 'input')
    this.actionLine = token.line
    try {
      return this.action()
    } finally {
      this.actionLine = 0
    }
  }

  private action(): Node {
    const token = this.nextNonSpace()
    const t0 = token.typ
    if (t0 === 'block') return this.blockControl()
    if (t0 === 'break' || t0 === 'continue') return this.breakControl(token)
    if (t0 === 'else') return this.elseControl()
    if (t0 === 'end') return { type: 'end', pos: this.expect('rightDelim', 'end').pos, src: this.src, line: token.line }
    if (t0 === 'if' || t0 === 'range' || t0 === 'with') return this.control(t0)
    if (t0 === 'template') return this.templateControl()
    this.backup()
    const t = this.peek()
    return { type: 'action', pos: t.pos, line: t.line, src: this.src, pipe: this.pipeline('command', 'rightDelim') }
  }

  private breakControl(token: Item): Node {
    const word = token.typ === 'break' ? 'break' : 'continue'
    const next = this.nextNonSpace()
    if (next.typ !== 'rightDelim') this.unexpected(next, `{{${word}}}`)
    if (this.rangeDepth === 0) this.errorf(`{{${word}}} outside {{range}}`)
    return { type: word, pos: token.pos, line: token.line, src: this.src }
  }

  private elseControl(): Node {
    const peek = this.peekNonSpace()
    if (peek.typ === 'if' || peek.typ === 'with') return { type: 'else', pos: peek.pos, line: peek.line, src: this.src }
    const token = this.expect('rightDelim', 'else')
    return { type: 'else', pos: token.pos, line: token.line, src: this.src }
  }

  private control(context: 'if' | 'range' | 'with'): BranchNode {
    const mark = this.vars.length
    try {
      const pipe = this.pipeline(context, 'rightDelim')
      if (context === 'range') this.rangeDepth++
      const [list, next] = this.itemList()
      if (context === 'range') this.rangeDepth--
      let elseList: ListNode | undefined
      if (next.type === 'else') {
        if ((context === 'if' && this.peek().typ === 'if') || (context === 'with' && this.peek().typ === 'with')) {
          this.next()
          elseList = this.list(next.pos)
          elseList.nodes.push(this.control(context))
        } else {
          const [els, end] = this.itemList()
          if (end.type !== 'end') this.errorf(`expected end; found ${nodeString(end)}`)
          elseList = els
        }
      }
      return { type: context, pos: pipe.pos, line: pipe.line, src: this.src, pipe, list, elseList }
    } finally {
      this.vars.length = mark
    }
  }

  private templateName(token: Item, context: string): string {
    if (token.typ === 'string' || token.typ === 'rawString') return this.unquote(token.val)
    this.unexpected(token, context)
  }

  private blockControl(): TemplateNode {
    const context = 'block clause'
    const token = this.nextNonSpace()
    const name = this.templateName(token, context)
    const pipe = this.pipeline(context, 'rightDelim')
    const savedVars = this.vars
    const savedDepth = this.rangeDepth
    this.vars = ['$']
    this.rangeDepth = 0
    const [root, end] = this.itemList()
    this.vars = savedVars
    this.rangeDepth = savedDepth
    if (end.type !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`)
    this.add({ name, root, src: this.src })
    return { type: 'template', pos: token.pos, line: token.line, src: this.src, name, pipe }
  }

  private templateControl(): TemplateNode {
    const context = 'template clause'
    const token = this.nextNonSpace()
    const name = this.templateName(token, context)
    let pipe: PipeNode | undefined
    if (this.nextNonSpace().typ !== 'rightDelim') {
      this.backup()
      pipe = this.pipeline(context, 'rightDelim')
    }
    return { type: 'template', pos: token.pos, line: token.line, src: this.src, name, pipe }
  }

  // --- pipelines

  private pipeline(context: string, end: ItemType): PipeNode {
    const token = this.peekNonSpace()
    const pipe: PipeNode = {
      type: 'pipe',
      pos: token.pos,
      line: token.line,
      src: this.src,
      isAssign: false,
      decl: [],
      cmds: [],
    }
    for (;;) {
      const v = this.peekNonSpace()
      if (v.typ !== 'variable') break
      const save = this.i
      this.nextNonSpace()
      const next = this.peekNonSpace()
      if (next.typ === 'assign' || next.typ === 'declare') {
        pipe.isAssign = next.typ === 'assign'
        this.nextNonSpace()
        pipe.decl.push(this.variable(v))
        this.vars.push(v.val)
        break
      }
      if (next.typ === 'char' && next.val === ',') {
        this.nextNonSpace()
        pipe.decl.push(this.variable(v))
        this.vars.push(v.val)
        if (context === 'range' && pipe.decl.length < 2) {
          const t = this.peekNonSpace().typ
          if (t === 'variable' || t === 'rightDelim' || t === 'rightParen') continue
          this.errorf('range can only initialize variables')
        }
        this.errorf(`too many declarations in ${context}`)
      }
      this.i = save
      break
    }
    for (;;) {
      const t = this.nextNonSpace()
      if (t.typ === end) {
        this.checkPipeline(pipe, context)
        return pipe
      }
      if (!commandStarts.has(t.typ)) this.unexpected(t, context)
      this.backup()
      pipe.cmds.push(this.command())
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`)
    for (let i = 1; i < pipe.cmds.length; i++) {
      const t = pipe.cmds[i]?.args[0]?.type
      if (t === 'bool' || t === 'dot' || t === 'nil' || t === 'number' || t === 'string') {
        this.errorf(`non executable command in pipeline stage ${i + 1}`)
      }
    }
  }

  private variable(token: Item): VariableNode {
    return { type: 'variable', pos: token.pos, src: this.src, ident: token.val.split('.') }
  }

  private command(): CommandNode {
    const cmd: CommandNode = { type: 'command', pos: this.peekNonSpace().pos, src: this.src, args: [] }
    for (;;) {
      this.peekNonSpace()
      const operand = this.operand()
      if (operand !== undefined) cmd.args.push(operand)
      const token = this.next()
      if (token.typ === 'space') continue
      if (token.typ === 'rightDelim' || token.typ === 'rightParen') this.backup()
      else if (token.typ !== 'pipe') this.unexpected(token, 'operand')
      break
    }
    if (cmd.args.length === 0) this.errorf('empty command')
    return cmd
  }

  private operand(): ArgNode | undefined {
    const node = this.term()
    if (node === undefined) return undefined
    if (this.peek().typ !== 'field') return node
    const chainPos = this.peek().pos
    const fields: string[] = []
    while (this.peek().typ === 'field') fields.push(this.next().val.slice(1))
    switch (node.type) {
      case 'field':
        return { type: 'field', pos: chainPos, src: this.src, ident: [...node.ident, ...fields] }
      case 'variable':
        return { type: 'variable', pos: chainPos, src: this.src, ident: [...node.ident, ...fields] }
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        this.errorf(`unexpected . after term ${JSON.stringify(nodeString(node))}`)
      // falls through: errorf never returns
      case 'chain':
      case 'identifier':
      case 'pipe':
        return { type: 'chain', pos: chainPos, src: this.src, node, field: fields }
    }
  }

  private term(): ArgNode | undefined {
    const token = this.nextNonSpace()
    const t = token.typ
    const pos = token.pos
    const src = this.src
    if (t === 'identifier') {
      if (!this.hasFunction(token.val)) this.errorf(`function ${JSON.stringify(token.val)} not defined`)
      return { type: 'identifier', pos, src, ident: token.val }
    }
    if (t === 'field') return { type: 'field', pos, src, ident: [token.val.slice(1)] }
    if (t === 'string' || t === 'rawString') return { type: 'string', pos, src, quoted: token.val, text: this.unquote(token.val) }
    if (t === 'dot') return { type: 'dot', pos, src }
    if (t === 'variable') {
      const v = this.variable(token)
      if (!this.vars.includes(v.ident[0] ?? '')) this.errorf(`undefined variable ${JSON.stringify(v.ident[0])}`)
      return v
    }
    if (t === 'leftParen') return this.pipeline('parenthesized pipeline', 'rightParen')
    if (t === 'charConstant' || t === 'complex' || t === 'number') {
      let f: NumberFacets
      try {
        f = cachedNumberFacets(token.val, t === 'charConstant')
      } catch (err) {
        if (err instanceof SyntaxError) this.errorf(err.message)
        throw err
      }
      return { type: 'number', pos, src, text: token.val, isInt: f.isInt, isUint: f.isUint, isFloat: f.isFloat, isComplex: f.isComplex, int64: f.int64, uint64: f.uint64, float64: f.float64 }
    }
    if (t === 'bool') return { type: 'bool', pos, src, value: token.val === 'true' }
    if (t === 'nil') return { type: 'nil', pos, src }
    this.backup()
    return undefined
  }
}
