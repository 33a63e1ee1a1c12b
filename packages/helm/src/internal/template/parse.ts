// The parser of Go's text/template (text/template/parse/parse.go): same grammar, variable scoping,
// function checks and error messages (`template: NAME:LINE: ...`).
import { type Item, lex } from './lex.js'
import { type BranchNode, type EndNode, type ListNode, type Node, type PipeNode, type TemplateNode, type TreeSource, nodeString } from './nodes.js'
import { PipelineReader } from './pipelines.js'

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

function isEmptyTree(n: Node): boolean {
  if (n.type === 'list') return n.nodes.every(isEmptyTree)
  if (n.type === 'text') return n.text.trim() === ''
  return n.type === 'comment'
}

/** The actions, control structures and template definitions of a file; pipelines are PipelineReader's. */
class Parser extends PipelineReader {
  private rangeDepth = 0
  private readonly defined: ParsedTemplate[] = []

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
}
