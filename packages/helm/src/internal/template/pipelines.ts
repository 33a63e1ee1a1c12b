// Pipelines of Go's text/template parser (text/template/parse/parse.go): variable declarations,
// commands, operands and terms, with the variable scope and the function check. The actions and
// control structures around them are parse.ts's.
import type { Item, ItemType } from './lex.js'
import { type NumberFacets, SyntaxError, numberFacets } from './literals.js'
import { type ArgNode, type CommandNode, type PipeNode, type TreeSource, type VariableNode, nodeString } from './nodes.js'
import { TokenReader } from './tokens.js'

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

/** Reads pipelines from the tokens; `vars` is the scope of variables, innermost last. */
export abstract class PipelineReader extends TokenReader {
  protected vars: string[] = ['$']

  constructor(
    src: TreeSource,
    items: Item[],
    private readonly hasFunction: (name: string) => boolean,
  ) {
    super(src, items)
  }

  protected pipeline(context: string, end: ItemType): PipeNode {
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
