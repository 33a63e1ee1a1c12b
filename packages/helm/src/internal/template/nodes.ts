// The parse tree of Go's text/template (text/template/parse/node.go), with Go's String() forms,
// which appear verbatim in execution errors (`at <.Values.x>`).
import { goQuote } from './lex.js'
import type { NumberFacets } from './literals.js'

/** What every node of one parsed file shares: its parse name and text, for error locations. */
export interface TreeSource {
  readonly parseName: string
  readonly text: string
}

interface Base {
  readonly pos: number
  readonly src: TreeSource
}

export interface ListNode extends Base {
  readonly type: 'list'
  readonly nodes: Node[]
}
export interface TextNode extends Base {
  readonly type: 'text'
  readonly text: string
}
export interface CommentNode extends Base {
  readonly type: 'comment'
  readonly text: string
}
export interface ActionNode extends Base {
  readonly type: 'action'
  readonly line: number
  readonly pipe: PipeNode
}
export interface PipeNode extends Base {
  readonly type: 'pipe'
  readonly line: number
  isAssign: boolean
  readonly decl: VariableNode[]
  readonly cmds: CommandNode[]
}
export interface CommandNode extends Base {
  readonly type: 'command'
  readonly args: ArgNode[]
}
export interface IdentifierNode extends Base {
  readonly type: 'identifier'
  readonly ident: string
}
export interface VariableNode extends Base {
  readonly type: 'variable'
  readonly ident: string[]
}
export interface DotNode extends Base {
  readonly type: 'dot'
}
export interface NilNode extends Base {
  readonly type: 'nil'
}
export interface FieldNode extends Base {
  readonly type: 'field'
  readonly ident: string[]
}
export interface ChainNode extends Base {
  readonly type: 'chain'
  readonly node: ArgNode
  readonly field: string[]
}
export interface BoolNode extends Base {
  readonly type: 'bool'
  readonly value: boolean
}
export interface NumberNode extends Base, NumberFacets {
  readonly type: 'number'
  readonly text: string
}
export interface StringNode extends Base {
  readonly type: 'string'
  readonly quoted: string
  readonly text: string
}
export interface BranchNode extends Base {
  readonly type: 'if' | 'range' | 'with'
  readonly line: number
  readonly pipe: PipeNode
  readonly list: ListNode
  readonly elseList: ListNode | undefined
}
export interface TemplateNode extends Base {
  readonly type: 'template'
  readonly line: number
  readonly name: string
  readonly pipe: PipeNode | undefined
}
export interface BreakNode extends Base {
  readonly type: 'break' | 'continue'
  readonly line: number
}
/** Markers returned by itemList; never part of a finished tree. */
export interface EndNode extends Base {
  readonly type: 'end' | 'else'
  readonly line: number
}

export type ArgNode =
  | IdentifierNode
  | VariableNode
  | DotNode
  | NilNode
  | FieldNode
  | ChainNode
  | BoolNode
  | NumberNode
  | StringNode
  | PipeNode

export type Node =
  | ListNode
  | TextNode
  | CommentNode
  | ActionNode
  | BranchNode
  | TemplateNode
  | BreakNode
  | EndNode
  | CommandNode
  | ArgNode

/** Go's `Node.String()`. */
export function nodeString(n: Node): string {
  switch (n.type) {
    case 'list':
      return n.nodes.map(nodeString).join('')
    case 'text':
      return n.text
    case 'comment':
      return `{{${n.text}}}`
    case 'action':
      return `{{${nodeString(n.pipe)}}}`
    case 'pipe': {
      let s = ''
      if (n.decl.length > 0) {
        s = `${n.decl.map(nodeString).join(', ')} ${n.isAssign ? '=' : ':='} `
      }
      return s + n.cmds.map(nodeString).join(' | ')
    }
    case 'command':
      return n.args.map((a) => (a.type === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ')
    case 'identifier':
      return n.ident
    case 'variable':
      return n.ident.join('.')
    case 'dot':
      return '.'
    case 'nil':
      return 'nil'
    case 'field':
      return n.ident.map((i) => `.${i}`).join('')
    case 'chain': {
      const head = n.node.type === 'pipe' ? `(${nodeString(n.node)})` : nodeString(n.node)
      return head + n.field.map((f) => `.${f}`).join('')
    }
    case 'bool':
      return n.value ? 'true' : 'false'
    case 'number':
      return n.text
    case 'string':
      return n.quoted
    case 'if':
    case 'range':
    case 'with': {
      const els = n.elseList === undefined ? '' : `{{else}}${nodeString(n.elseList)}`
      return `{{${n.type} ${nodeString(n.pipe)}}}${nodeString(n.list)}${els}{{end}}`
    }
    case 'template':
      return n.pipe === undefined
        ? `{{template ${goQuote(n.name)}}}`
        : `{{template ${goQuote(n.name)} ${nodeString(n.pipe)}}}`
    case 'break':
      return '{{break}}'
    case 'continue':
      return '{{continue}}'
    case 'end':
      return '{{end}}'
    case 'else':
      return '{{else}}'
  }
}

/** Go's `Tree.ErrorContext`: `NAME:LINE:COL` (column in bytes from 0) and the node, whole. */
export function errorContext(n: Node): { location: string; context: string } {
  const before = n.src.text.slice(0, n.pos)
  const lastNewline = before.lastIndexOf('\n')
  let line = 1
  for (let i = before.indexOf('\n'); i >= 0; i = before.indexOf('\n', i + 1)) line++
  const col = Buffer.byteLength(before.slice(lastNewline + 1), 'utf8')
  // Go 1.25 prints the whole node (older releases cut it at 20 characters).
  const context = nodeString(n)
  return { location: `${n.src.parseName}:${line}:${col}`, context }
}
