// The evaluator of Go's text/template (text/template/exec.go, Go 1.24): pipelines, commands,
// fields, variables, function calls and their arguments with Go's typing rules and messages.
import { nodeString } from './nodes.js'
import type {
  ArgNode,
  BoolNode,
  ChainNode,
  CommandNode,
  FieldNode,
  IdentifierNode,
  Node,
  NumberNode,
  PipeNode,
  StringNode,
  VariableNode,
} from './nodes.js'
import { type Final, MISSING, Scope, type Tail } from './state.js'
import { goDuration } from '../funcs/goDuration.js'
import { FuncError, type GoFunc, GoInt, GoStruct, type GoType, type GoValue, isTrue, mapMethod, typeName } from './values.js'

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

const builtinNames: ReadonlySet<string> = new Set(['and', 'or', 'call'])
// The tail of an argument that is evaluated for its value: no arguments, nothing piped in.
const noArgs: readonly ArgNode[] = []
const none: Tail = { args: noArgs, final: MISSING }

/** Evaluates pipelines and what they are made of, in a {@link Scope}. */
export abstract class Evaluator extends Scope {
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
    if (first.type === 'identifier') return this.evalFunction(dot, first, { node: cmd, args: cmd.args, final })
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
    return this.evalFieldChain(dot, { receiver: dot, node: field, ident: field.ident, iface: this.dotIface, args: tail.args, final: tail.final })
  }

  private evalChainNode(dot: GoValue, chain: ChainNode, tail: Tail): GoValue {
    this.at(chain)
    if (chain.field.length === 0) this.errorf('internal error: no fields in evalChainNode')
    if (chain.node.type === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`)
    const pipe = this.evalArg(dot, 'interface {}', chain.node)
    return this.evalFieldChain(dot, { receiver: pipe, node: chain, ident: chain.field, iface: false, args: tail.args, final: tail.final })
  }

  private evalVariableNode(dot: GoValue, v: VariableNode, tail: Tail): GoValue {
    this.at(v)
    const value = this.varValue(v.ident[0] ?? '')
    if (v.ident.length === 1) {
      this.notAFunction(tail.args, tail.final)
      return value
    }
    const iface = this.varIface(v.ident[0] ?? '')
    return this.evalFieldChain(dot, { receiver: value, node: v, ident: v.ident.slice(1), iface, args: tail.args, final: tail.final })
  }

  private evalFieldChain(dot: GoValue, chain: FieldChain): GoValue {
    // Values read out of a map have Go's static type interface {}, which error messages show.
    let fromInterface = chain.iface
    let receiver = chain.receiver
    const { node, ident } = chain
    const n = ident.length
    for (let i = 0; i < n - 1; i++) {
      const step: FieldRequest = { name: ident[i] ?? '', node, args: noArgs, final: MISSING, receiver, fromInterface }
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
    const method =
      receiver instanceof GoStruct ? receiver.methods.get(fieldName) : receiver instanceof Map ? mapMethod(receiver, fieldName) : receiver instanceof GoInt ? receiver.named?.methods?.(receiver).get(fieldName) : undefined
    if (method !== undefined) return this.evalCall(dot, method, { node, name: fieldName, args, final })
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
    this.errorf(`can't evaluate field ${fieldName} in type ${fromInterface ? 'interface {}' : typeName(receiver)}`)
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
    if (fn.signatureError !== undefined) this.errorf(fn.signatureError)
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
    if (n.type === 'dot') return this.validateType(dot, typ)
    if (n.type === 'nil') {
      if (typ === 'interface {}' || typ === 'map[string]interface {}' || typ === 'reflect.Value') return null
      if (typ === '[]interface {}' || typ === '[]string') return []
      this.errorf(`cannot assign nil to ${typ}`)
    }
    if (n.type === 'field') return this.validateType(this.evalFieldNode(dot, n, { args: [n], final: MISSING }), typ)
    if (n.type === 'variable') return this.validateType(this.evalVariableNode(dot, n, none), typ)
    if (n.type === 'pipe') return this.validateType(this.evalPipeline(dot, n), typ)
    if (n.type === 'identifier') return this.validateType(this.evalFunction(dot, n, { node: n, args: noArgs, final: MISSING }), typ)
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
    if (typ === 'time.Duration') {
      // An integer constant converts to the named int64 type, as reflect's SetInt does.
      if (n.type === 'number' && n.isInt) return goDuration(n.int64)
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
}
