// The executor of Go's text/template (text/template/exec.go, Go 1.24): evaluation of pipelines,
// fields, variables and calls with Go's typing rules, range over slices, maps (sorted keys) and
// integers, break/continue, template calls, missingkey modes and Go's error messages.
import { formatValue, NO_FLAGS } from './fmt.js'
import type {
  ArgNode,
  BoolNode,
  BranchNode,
  ChainNode,
  CommandNode,
  FieldNode,
  IdentifierNode,
  ListNode,
  Node,
  NumberNode,
  PipeNode,
  StringNode,
  TemplateNode,
  VariableNode,
} from './nodes.js'
import { errorContext, nodeString } from './nodes.js'
import type { ParsedTemplate } from './parse.js'
import {
  FuncError,
  type GoFunc,
  GoInt,
  GoStruct,
  type GoType,
  type GoValue,
  int,
  isGoFunc,
  isTrue,
  sortedKeys,
  typeName,
} from './values.js'

/** What happens when a map has no entry for a key. */
export type MissingKey = 'default' | 'zero' | 'error'

/** An execution failure, with Go's message. */
export class ExecError extends Error {
  constructor(
    message: string,
    readonly templateName: string,
  ) {
    super(message)
  }
}

/** The templates and functions one execution sees. */
export interface ExecEnv {
  readonly templates: ReadonlyMap<string, ParsedTemplate>
  readonly funcs: ReadonlyMap<string, GoFunc>
  readonly missingKey: MissingKey
}

const MISSING: unique symbol = Symbol('missing')
type Final = GoValue | typeof MISSING

// {{break}} and {{continue}} unwind to their range as Go's panic(walkBreak) does.
class WalkSignal extends Error {}
const walkBreak = new WalkSignal('break')
const walkContinue = new WalkSignal('continue')

const maxExecDepth = 1000

/** Arguments of a command after its first word, and the value piped into it. */
interface Tail {
  readonly args: readonly ArgNode[]
  readonly final: Final
}

interface FieldChain extends Tail {
  readonly receiver: GoValue
  readonly node: Node
  readonly ident: readonly string[]
  readonly iface: boolean
}

interface FieldRequest extends Tail {
  readonly name: string
  readonly node: Node
  readonly receiver: GoValue
  readonly fromInterface: boolean
}

interface CallRequest extends Tail {
  readonly node: Node
  readonly name: string
}

interface Frame {
  readonly tmpl: ParsedTemplate
  readonly out: string[]
  readonly vars: Variable[]
  readonly depth: number
}

interface Variable {
  name: string
  value: GoValue
  /** Whether Go's static type of the value is interface {} (range elements), for error messages. */
  iface?: boolean
}

/** Executes the template `name` with `data` as dot; returns the output. */
export function execute(env: ExecEnv, name: string, data: GoValue): string {
  const tmpl = env.templates.get(name)
  if (tmpl === undefined) {
    throw new ExecError(`template: no template ${JSON.stringify(name)} associated with template ${JSON.stringify(name)}`, name)
  }
  const out: string[] = []
  const s = new State(env, { tmpl, out, vars: [{ name: '$', value: data }], depth: 0 })
  s.walk(data, tmpl.root)
  return out.join('')
}

class State {
  private node: Node | undefined
  /** Whether dot is a range element, whose static type Go reports as interface {}. */
  private dotIface = false

  private readonly tmpl: ParsedTemplate
  private readonly out: string[]
  private vars: Variable[]
  private readonly depth: number

  constructor(
    private readonly env: ExecEnv,
    frame: Frame,
  ) {
    this.tmpl = frame.tmpl
    this.out = frame.out
    this.vars = frame.vars
    this.depth = frame.depth
  }

  private at(node: Node): void {
    this.node = node
  }

  errorf(message: string): never {
    const name = this.tmpl.name
    if (this.node === undefined) throw new ExecError(`template: ${name}: ${message}`, name)
    const { location, context } = errorContext(this.node)
    throw new ExecError(`template: ${location}: executing ${JSON.stringify(name)} at <${context}>: ${message}`, name)
  }

  private push(name: string, value: GoValue): void {
    this.vars.push({ name, value })
  }
  private mark(): number {
    return this.vars.length
  }
  private pop(mark: number): void {
    this.vars.length = mark
  }
  private setVar(name: string, value: GoValue): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i]
      if (v !== undefined && v.name === name) {
        v.value = value
        return
      }
    }
    this.errorf(`undefined variable: ${name}`)
  }
  private setTopVar(n: number, value: GoValue, iface = false): void {
    const v = this.vars[this.vars.length - n]
    if (v !== undefined) {
      v.value = value
      v.iface = iface
    }
  }
  private varIface(name: string): boolean {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i]
      if (v !== undefined && v.name === name) return v.iface === true
    }
    return false
  }
  private varValue(name: string): GoValue {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i]
      if (v !== undefined && v.name === name) return v.value
    }
    this.errorf(`undefined variable: ${name}`)
  }

  walk(dot: GoValue, node: Node): void {
    this.at(node)
    switch (node.type) {
      case 'action': {
        const val = this.evalPipeline(dot, node.pipe)
        if (node.pipe.decl.length === 0) this.printValue(node, val)
        return
      }
      case 'comment':
        return
      case 'if':
      case 'with':
        this.walkIfOrWith(node, dot)
        return
      case 'list':
        for (const n of node.nodes) this.walk(dot, n)
        return
      case 'range':
        this.walkRange(dot, node)
        return
      case 'template':
        this.walkTemplate(dot, node)
        return
      case 'text':
        this.out.push(node.text)
        return
      case 'break':
        throw walkBreak
      case 'continue':
        throw walkContinue
      case 'bool':
      case 'chain':
      case 'command':
      case 'dot':
      case 'else':
      case 'end':
      case 'field':
      case 'identifier':
      case 'nil':
      case 'number':
      case 'pipe':
      case 'string':
      case 'variable':
        this.errorf(`unknown node: ${nodeString(node)}`)
    }
  }

  private walkIfOrWith(node: BranchNode, dot: GoValue): void {
    const mark = this.mark()
    try {
      const val = this.evalPipeline(dot, node.pipe)
      if (isTrue(val)) {
        if (node.type === 'with') {
          const savedIface = this.dotIface
          this.dotIface = false
          try {
            this.walk(val, node.list)
          } finally {
            this.dotIface = savedIface
          }
        } else this.walk(dot, node.list)
      } else if (node.elseList !== undefined) {
        this.walk(dot, node.elseList)
      }
    } finally {
      this.pop(mark)
    }
  }

  private walkRange(dot: GoValue, r: BranchNode): void {
    this.at(r)
    const outer = this.mark()
    try {
      const val = this.evalPipeline(dot, r.pipe)
      const mark = this.mark()
      const decl = r.pipe.decl
      // Elements of slices and maps of interface {} keep that static type; integers do not.
      const elemIface = Array.isArray(val) || val instanceof Map
      const oneIteration = (index: GoValue, elem: GoValue): boolean => {
        if (decl.length > 0) {
          if (r.pipe.isAssign) {
            this.setVar(decl[0]?.ident[0] ?? '', decl.length > 1 ? index : elem)
          } else this.setTopVar(1, elem, elemIface)
        }
        if (decl.length > 1) {
          if (r.pipe.isAssign) this.setVar(decl[1]?.ident[0] ?? '', elem)
          else this.setTopVar(2, index)
        }
        const savedIface = this.dotIface
        this.dotIface = elemIface
        try {
          this.walk(elem, r.list)
        } catch (e) {
          if (e !== walkContinue) throw e
        } finally {
          this.dotIface = savedIface
          this.pop(mark)
        }
        return true
      }
      try {
        if (Array.isArray(val)) {
          if (val.length > 0) {
            for (let i = 0; i < val.length; i++) oneIteration(int(i), val[i])
            return
          }
        } else if (val instanceof Map) {
          if (val.size > 0) {
            for (const k of sortedKeys(val)) oneIteration(k, val.get(k) ?? null)
            return
          }
        } else if (val instanceof GoInt) {
          if (decl.length > 1) {
            this.errorf(`can't use ${formatValue(val, 'v', NO_FLAGS)} to iterate over more than one variable`)
          }
          if (val.value > 0n) {
            for (let i = 0n; i < val.value; i++) {
              const v = new GoInt(i, val.kind)
              oneIteration(v, v)
            }
            return
          }
        } else if (val !== undefined && val !== null) {
          this.errorf(`range can't iterate over ${formatValue(val, 'v', NO_FLAGS)}`)
        }
      } catch (e) {
        if (e === walkBreak) return
        throw e
      }
      if (r.elseList !== undefined) this.walk(dot, r.elseList)
    } finally {
      this.pop(outer)
    }
  }

  private walkTemplate(dot: GoValue, t: TemplateNode): void {
    this.at(t)
    const tmpl = this.env.templates.get(t.name)
    if (tmpl === undefined) this.errorf(`template ${JSON.stringify(t.name)} not defined`)
    if (this.depth >= maxExecDepth) this.errorf(`exceeded maximum template depth (${maxExecDepth})`)
    const newDot = t.pipe === undefined ? undefined : this.evalPipeline(dot, t.pipe)
    const s = new State(this.env, { tmpl, out: this.out, vars: [{ name: '$', value: newDot }], depth: this.depth + 1 })
    s.walk(newDot, tmpl.root)
  }

  evalPipeline(dot: GoValue, pipe: PipeNode): GoValue {
    this.at(pipe)
    let value: Final = MISSING
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value)
      // An interface{} holding nil becomes an invalid value, as Go's "dig down one level" does.
      if (value === null) value = undefined
    }
    const result = value === MISSING ? undefined : value
    for (const v of pipe.decl) {
      const name = v.ident[0] ?? ''
      if (pipe.isAssign) this.setVar(name, result)
      else this.push(name, result)
    }
    return result
  }

  private notAFunction(args: readonly ArgNode[], final: Final): void {
    if (args.length > 1 || final !== MISSING) {
      this.errorf(`can't give argument to non-function ${args[0] === undefined ? '' : nodeString(args[0])}`)
    }
  }

  private evalCommand(dot: GoValue, cmd: CommandNode, final: Final): GoValue {
    const first = cmd.args[0]
    if (first === undefined) this.errorf('empty command')
    const tail: Tail = { args: cmd.args, final }
    if (first.type === 'field') return this.evalFieldNode(dot, first, tail)
    if (first.type === 'chain') return this.evalChainNode(dot, first, tail)
    if (first.type === 'identifier') return this.evalFunction(dot, first, { node: cmd, ...tail })
    if (first.type === 'variable') return this.evalVariableNode(dot, first, tail)
    if (first.type === 'pipe') {
      this.notAFunction(cmd.args, final)
      return this.evalPipeline(dot, first)
    }
    this.at(first)
    this.notAFunction(cmd.args, final)
    if (first.type === 'bool') return first.value
    if (first.type === 'dot') return dot
    if (first.type === 'number') return this.idealConstant(first)
    if (first.type === 'string') return first.text
    this.errorf('nil is not a command')
  }

  private idealConstant(c: NumberNode): GoValue {
    this.at(c)
    if (c.isComplex) this.errorf(`complex constants are not supported: ${c.text}`)
    const hexInt = c.text.length > 2 && c.text[0] === '0' && /[xX]/.test(c.text[1] ?? '') && !/[pP]/.test(c.text)
    const runeInt = c.text.startsWith("'")
    if (c.isFloat && !hexInt && !runeInt && /[.eEpP]/.test(c.text)) return c.float64
    if (c.isInt) return new GoInt(c.int64, 'int')
    if (c.isUint) this.errorf(`${c.text} overflows int`)
    return undefined
  }

  private evalFieldNode(dot: GoValue, field: FieldNode, tail: Tail): GoValue {
    this.at(field)
    return this.evalFieldChain(dot, { receiver: dot, node: field, ident: field.ident, iface: this.dotIface, ...tail })
  }

  private evalChainNode(dot: GoValue, chain: ChainNode, tail: Tail): GoValue {
    this.at(chain)
    if (chain.field.length === 0) this.errorf('internal error: no fields in evalChainNode')
    if (chain.node.type === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`)
    const pipe = this.evalArg(dot, 'interface {}', chain.node)
    return this.evalFieldChain(dot, { receiver: pipe, node: chain, ident: chain.field, iface: false, ...tail })
  }

  private evalVariableNode(dot: GoValue, v: VariableNode, tail: Tail): GoValue {
    this.at(v)
    const value = this.varValue(v.ident[0] ?? '')
    if (v.ident.length === 1) {
      this.notAFunction(tail.args, tail.final)
      return value
    }
    const iface = this.varIface(v.ident[0] ?? '')
    return this.evalFieldChain(dot, { receiver: value, node: v, ident: v.ident.slice(1), iface, ...tail })
  }

  private evalFieldChain(dot: GoValue, chain: FieldChain): GoValue {
    // Values read out of a map have Go's static type interface {}, which error messages show.
    let fromInterface = chain.iface
    let receiver = chain.receiver
    const { node, ident } = chain
    const n = ident.length
    for (let i = 0; i < n - 1; i++) {
      const step: FieldRequest = { name: ident[i] ?? '', node, args: [], final: MISSING, receiver, fromInterface }
      const r = this.evalField(dot, step)
      fromInterface = receiver instanceof Map
      receiver = r
    }
    const last: FieldRequest = { name: ident[n - 1] ?? '', node, args: chain.args, final: chain.final, receiver, fromInterface }
    return this.evalField(dot, last)
  }

  private evalFunction(dot: GoValue, node: IdentifierNode, call: Tail & { node: Node }): GoValue {
    this.at(node)
    const fn = this.env.funcs.get(node.ident)
    if (fn === undefined) this.errorf(`${JSON.stringify(node.ident)} is not a defined function`)
    return this.evalCall(dot, fn, { node: call.node, name: node.ident, args: call.args, final: call.final })
  }

  private evalField(dot: GoValue, req: FieldRequest): GoValue {
    const { name: fieldName, node, args, final, receiver, fromInterface } = req
    if (receiver === undefined) {
      if (this.env.missingKey === 'error') this.errorf(`nil data; no entry for key ${JSON.stringify(fieldName)}`)
      return undefined
    }
    if (receiver === null) this.errorf(`nil pointer evaluating interface {}.${fieldName}`)
    const typ = fromInterface ? 'interface {}' : typeName(receiver)
    if (receiver instanceof GoStruct) {
      const method = receiver.methods.get(fieldName)
      if (method !== undefined) return this.evalCall(dot, method, { node, name: fieldName, args, final })
    }
    const hasArgs = args.length > 1 || final !== MISSING
    if (receiver instanceof GoStruct) {
      if (receiver.fields.has(fieldName)) {
        if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`)
        return receiver.fields.get(fieldName)
      }
    } else if (receiver instanceof Map) {
      if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`)
      if (receiver.has(fieldName)) {
        const v = receiver.get(fieldName)
        return v === undefined ? null : v
      }
      switch (this.env.missingKey) {
        case 'default':
          return undefined
        case 'zero':
          return null
        case 'error':
          this.errorf(`map has no entry for key ${JSON.stringify(fieldName)}`)
      }
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${typ}`)
  }

  evalCall(dot: GoValue, fn: GoFunc, call: CallRequest): GoValue {
    const { node, name, final } = call
    const args = call.args.slice(1)
    let numIn = args.length
    if (final !== MISSING) numIn++
    let numFixed = args.length
    if (fn.variadic !== undefined) {
      numFixed = fn.params.length
      if (numIn < numFixed) {
        this.errorf(`wrong number of args for ${name}: want at least ${fn.params.length} got ${args.length}`)
      }
    } else if (numIn !== fn.params.length) {
      this.errorf(`wrong number of args for ${name}: want ${fn.params.length} got ${numIn}`)
    }
    const isBuiltin = builtinNames.has(name) && this.env.funcs.get(name) === fn
    if (isBuiltin && (name === 'and' || name === 'or')) {
      let v: GoValue
      for (const arg of args) {
        v = this.evalArg(dot, 'reflect.Value', arg)
        if (isTrue(v) === (name === 'or')) return v
      }
      if (final !== MISSING) v = this.validateType(final, 'reflect.Value')
      return v
    }
    const argv: GoValue[] = []
    let i = 0
    for (; i < numFixed && i < args.length; i++) {
      argv.push(this.evalArg(dot, fn.params[i] ?? 'interface {}', args[i] as ArgNode))
    }
    if (fn.variadic !== undefined) {
      for (; i < args.length; i++) argv.push(this.evalArg(dot, fn.variadic, args[i] as ArgNode))
    }
    if (final !== MISSING) {
      let t: GoType = fn.params[fn.params.length - 1] ?? 'interface {}'
      if (fn.variadic !== undefined) t = numIn - 1 < numFixed ? (fn.params[numIn - 1] ?? 'interface {}') : fn.variadic
      argv.push(this.validateType(final, t))
    }
    if (isBuiltin && name === 'call') argv.unshift(args[0] === undefined ? '' : nodeString(args[0]))
    try {
      return fn.fn(...argv)
    } catch (err) {
      if (err instanceof FuncError) {
        this.at(node)
        this.errorf(`error calling ${name}: ${err.message}`)
      }
      throw err
    }
  }

  private validateType(value: GoValue, typ: GoType): GoValue {
    if (value === undefined) {
      // An invalid value becomes the zero value of a type that can be nil.
      if (typ === 'reflect.Value') return undefined
      if (typ === 'interface {}' || typ === 'map[string]interface {}') return null
      if (typ === '[]interface {}' || typ === '[]string') return []
      this.errorf(`invalid value; expected ${typ}`)
    }
    if (typ === 'reflect.Value' || typ === 'interface {}') return value
    const actual = typeName(value)
    if (actual === typ) return value
    // A named map type (common.Values) is assignable to map[string]interface {} and back.
    if (typ === 'map[string]interface {}' && value instanceof Map) return value
    this.errorf(`wrong type for value; expected ${typ}; got ${value === null ? 'interface {}' : actual}`)
  }

  private evalArg(dot: GoValue, typ: GoType, n: ArgNode): GoValue {
    this.at(n)
    const none: Tail = { args: [], final: MISSING }
    if (n.type === 'dot') return this.validateType(dot, typ)
    if (n.type === 'nil') {
      if (typ === 'interface {}' || typ === 'map[string]interface {}' || typ === 'reflect.Value') return null
      if (typ === '[]interface {}' || typ === '[]string') return []
      this.errorf(`cannot assign nil to ${typ}`)
    }
    if (n.type === 'field') return this.validateType(this.evalFieldNode(dot, n, { args: [n], final: MISSING }), typ)
    if (n.type === 'variable') return this.validateType(this.evalVariableNode(dot, n, none), typ)
    if (n.type === 'pipe') return this.validateType(this.evalPipeline(dot, n), typ)
    if (n.type === 'identifier') return this.validateType(this.evalFunction(dot, n, { node: n, ...none }), typ)
    if (n.type === 'chain') return this.validateType(this.evalChainNode(dot, n, none), typ)
    return this.evalConstant(n, typ)
  }

  /** A literal argument converted to the parameter's type, as Go's evalBool/evalInteger/... do. */
  private evalConstant(n: BoolNode | NumberNode | StringNode, typ: GoType): GoValue {
    if (typ === 'bool') {
      if (n.type === 'bool') return n.value
      this.errorf(`expected bool; found ${nodeString(n)}`)
    }
    if (typ === 'float64') {
      if (n.type === 'number' && n.isFloat) return n.float64
      this.errorf(`expected float; found ${nodeString(n)}`)
    }
    if (typ === 'int' || typ === 'int64') {
      if (n.type === 'number' && n.isInt) return new GoInt(n.int64, typ)
      this.errorf(`expected integer; found ${nodeString(n)}`)
    }
    if (typ === 'uint32') {
      if (n.type === 'number' && n.isUint && n.uint64 < 2n ** 32n) return new GoInt(n.uint64, 'uint32')
      this.errorf(`expected unsigned integer; found ${nodeString(n)}`)
    }
    if (typ === 'string') {
      if (n.type === 'string') return n.text
      this.errorf(`expected string; found ${nodeString(n)}`)
    }
    if (typ === 'interface {}' || typ === 'reflect.Value') {
      if (n.type === 'bool') return n.value
      if (n.type === 'number') return this.idealConstant(n)
      return n.text
    }
    this.errorf(`can't handle ${nodeString(n)} for arg of type ${typ}`)
  }

  private printValue(n: Node, v: GoValue): void {
    this.at(n)
    if (v === undefined) {
      this.out.push('<no value>')
      return
    }
    if (isGoFunc(v)) this.errorf(`can't print ${nodeString(n)} of type ${typeName(v)}`)
    this.out.push(formatValue(v, 'v', NO_FLAGS))
  }
}


const builtinNames: ReadonlySet<string> = new Set(['and', 'or', 'call'])

/** Whether a list is only whitespace text (Go's IsEmptyTree). */
export function isEmptyList(l: ListNode): boolean {
  return l.nodes.every((n) => n.type === 'text' && n.text.trim() === '')
}
