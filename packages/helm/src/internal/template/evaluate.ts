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
import { type Final, MISSING, Scope } from './state.js'
import { goDuration } from '../funcs/goDuration.js'
import { FuncError, type GoFunc, GoInt, GoStruct, type GoType, type GoValue, isExported, isTrue, mapMethod, nilSlice, typeName, zeroElement } from './values.js'

// The arguments of an argument that is evaluated for its value: none, nothing piped in.
const noArgs: readonly ArgNode[] = []

// Commands pass their words and piped value down as positional parameters, not as small request
// objects: the evaluator mostly runs cold (once or a few times per template before V8 optimises
// it), where every object made per command, field or call is work and garbage. Hence more than
// three parameters on the private steps below (a departure from the house rule, for this reason).
/* eslint-disable max-params */

/** Evaluates pipelines and what they are made of, in a {@link Scope}. */
export abstract class Evaluator extends Scope {
  evalPipeline(dot: GoValue, pipe: PipeNode): GoValue {
    this.node = pipe
    let value: Final = MISSING
    const cmds = pipe.cmds
    for (let i = 0; i < cmds.length; i++) {
      value = this.evalCommand(dot, cmds[i] as CommandNode, value)
      // An interface{} holding nil becomes an invalid value, as Go's "dig down one level" does.
      if (value === null) value = undefined
    }
    const result = value === MISSING ? undefined : value
    const decl = pipe.decl
    for (let i = 0; i < decl.length; i++) {
      const name = (decl[i] as VariableNode).ident[0] ?? ''
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
    const args = cmd.args
    const first = args[0]
    if (first === undefined) this.errorf('empty command')
    const type = first.type
    if (type === 'field') return this.evalFieldNode(dot, first, args, final)
    if (type === 'identifier') return this.evalFunction(dot, first, cmd, args, final)
    if (type === 'variable') return this.evalVariableNode(dot, first, args, final)
    if (type === 'chain') return this.evalChainNode(dot, first, args, final)
    if (type === 'pipe') {
      this.notAFunction(args, final)
      return this.evalPipeline(dot, first)
    }
    this.node = first
    this.notAFunction(args, final)
    if (type === 'bool') return first.value
    if (type === 'dot') return dot
    if (type === 'number') return this.idealConstant(first)
    if (type === 'string') return first.text
    this.errorf('nil is not a command')
  }

  private idealConstant(c: NumberNode): GoValue {
    this.node = c
    if (c.isComplex) this.errorf(`complex constants are not supported: ${c.text}`)
    const hexInt = c.text.length > 2 && c.text[0] === '0' && /[xX]/.test(c.text[1] ?? '') && !/[pP]/.test(c.text)
    const runeInt = c.text.startsWith("'")
    if (c.isFloat && !hexInt && !runeInt && /[.eEpP]/.test(c.text)) return c.float64
    if (c.isInt) return new GoInt(c.int64, 'int')
    if (c.isUint) this.errorf(`${c.text} overflows int`)
    return undefined
  }

  private evalFieldNode(dot: GoValue, field: FieldNode, args: readonly ArgNode[], final: Final): GoValue {
    this.node = field
    return this.evalFieldChain(dot, dot, field, field.ident, 0, this.dotIface, args, final)
  }

  private evalChainNode(dot: GoValue, chain: ChainNode, args: readonly ArgNode[], final: Final): GoValue {
    this.node = chain
    if (chain.field.length === 0) this.errorf('internal error: no fields in evalChainNode')
    if (chain.node.type === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`)
    // Go evaluates the chain's operand with no type to convert to: an invalid value (a missing key,
    // nil) stays invalid, and a field of it is the zero value, not a nil pointer error.
    const pipe = this.evalArg(dot, 'reflect.Value', chain.node)
    return this.evalFieldChain(dot, pipe, chain, chain.field, 0, false, args, final)
  }

  private evalVariableNode(dot: GoValue, v: VariableNode, args: readonly ArgNode[], final: Final): GoValue {
    this.node = v
    const name = v.ident[0] ?? ''
    const value = this.varValue(name)
    if (v.ident.length === 1) {
      this.notAFunction(args, final)
      return value
    }
    return this.evalFieldChain(dot, value, v, v.ident, 1, this.varIface(name), args, final)
  }

  /** The fields `ident[from..]` of `receiver` in turn; the last one takes the command's arguments. */
  private evalFieldChain(dot: GoValue, receiver: GoValue, node: Node, ident: readonly string[], from: number, iface: boolean, args: readonly ArgNode[], final: Final): GoValue {
    // Values read out of a map have Go's static type interface {}, which error messages show.
    let fromInterface = iface
    const last = ident.length - 1
    for (let i = from; i < last; i++) {
      const r = this.evalField(dot, ident[i] ?? '', node, noArgs, MISSING, receiver, fromInterface)
      // A map's element is an interface {}, but a map[string]string's (.Chart.Annotations) a string.
      fromInterface = receiver instanceof Map && typeName(receiver) !== 'map[string]string'
      receiver = r
    }
    return this.evalField(dot, ident[last] ?? '', node, args, final, receiver, fromInterface)
  }

  private evalFunction(dot: GoValue, node: IdentifierNode, callNode: Node, args: readonly ArgNode[], final: Final): GoValue {
    this.node = node
    const fn = this.env.funcs.get(node.ident)
    if (fn === undefined) this.errorf(`${JSON.stringify(node.ident)} is not a defined function`)
    return this.evalCall(dot, fn, callNode, node.ident, args, final)
  }

  private evalField(dot: GoValue, fieldName: string, node: Node, args: readonly ArgNode[], final: Final, receiver: GoValue, fromInterface: boolean): GoValue {
    if (receiver === undefined) {
      if (this.env.missingKey === 'error') this.errorf(`nil data; no entry for key ${JSON.stringify(fieldName)}`)
      return undefined
    }
    if (receiver === null) this.errorf(`nil pointer evaluating interface {}.${fieldName}`)
    const method =
      receiver instanceof GoStruct ? receiver.methods.get(fieldName) : receiver instanceof Map || Array.isArray(receiver) ? mapMethod(receiver, fieldName) : receiver instanceof GoInt ? receiver.named?.methods?.(receiver).get(fieldName) : undefined
    if (method !== undefined) return this.evalCall(dot, method, node, fieldName, args, final)
    const hasArgs = args.length > 1 || final !== MISSING
    if (receiver instanceof GoStruct) {
      if (receiver.fields.has(fieldName)) {
        if (!isExported(fieldName)) this.errorf(`${fieldName} is an unexported field of struct type ${receiver.typeName.replace(/^\*/, '')}`)
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
          return zeroElement(receiver)
        case 'error':
          this.errorf(`map has no entry for key ${JSON.stringify(fieldName)}`)
      }
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${fromInterface ? 'interface {}' : typeName(receiver)}`)
  }

  /**
   * Calls `fn` named `name` with the words of `words` after the first (the function's own word)
   * and the value piped in, converted to its parameter types as Go's evalCall does.
   */
  evalCall(dot: GoValue, fn: GoFunc, node: Node, name: string, words: readonly ArgNode[], final: Final): GoValue {
    // The arguments are words[1..]; an argument evaluated for its value has no words at all.
    const nArgs = words.length > 1 ? words.length - 1 : 0
    let numIn = nArgs
    if (final !== MISSING) numIn++
    let numFixed = nArgs
    const params = fn.params
    if (fn.variadic !== undefined) {
      numFixed = params.length
      if (numIn < numFixed) {
        this.errorf(`wrong number of args for ${name}: want at least ${params.length} got ${nArgs}`)
      }
    } else if (numIn !== params.length) {
      this.errorf(`wrong number of args for ${name}: want ${params.length} got ${numIn}`)
    }
    if (fn.signatureError !== undefined) this.errorf(fn.signatureError)
    // Only and, or and call take their arguments their own way, and only when `fn` is the function
    // of that name (a method of that name is called as any other). The name test comes first, so
    // that every other call costs no map lookup here.
    const isBuiltin = (name === 'and' || name === 'or' || name === 'call') && this.env.funcs.get(name) === fn
    if (isBuiltin && (name === 'and' || name === 'or')) {
      let v: GoValue
      for (let j = 1; j <= nArgs; j++) {
        v = this.evalArg(dot, 'reflect.Value', words[j] as ArgNode)
        if (isTrue(v) === (name === 'or')) return v
      }
      if (final !== MISSING) v = this.validateType(final, 'reflect.Value')
      return v
    }
    const argv: GoValue[] = []
    let i = 0
    for (; i < numFixed && i < nArgs; i++) {
      const t = params[i] ?? 'interface {}'
      argv.push(asArgument(this.evalArg(dot, t, words[i + 1] as ArgNode), t))
    }
    if (fn.variadic !== undefined) {
      for (; i < nArgs; i++) argv.push(asArgument(this.evalArg(dot, fn.variadic, words[i + 1] as ArgNode), fn.variadic))
    }
    if (final !== MISSING) {
      let t: GoType = params[params.length - 1] ?? 'interface {}'
      if (fn.variadic !== undefined) t = numIn - 1 < numFixed ? (params[numIn - 1] ?? 'interface {}') : fn.variadic
      argv.push(asArgument(this.validateType(final, t), t))
    }
    if (isBuiltin && name === 'call') argv.unshift(nArgs === 0 ? '' : nodeString(words[1] as ArgNode))
    try {
      return fn.fn(...argv)
    } catch (err) {
      if (err instanceof FuncError) {
        this.node = node
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
      if (typ === '[]interface {}' || typ === '[]string') return nilSlice(typ)
      this.errorf(`invalid value; expected ${typ}`)
    }
    if (typ === 'reflect.Value' || typ === 'interface {}') return value
    if (typ === 'string' && typeof value === 'string') return value
    const actual = typeName(value)
    if (actual === typ) return value
    // A named map type (common.Values) is assignable to map[string]interface {} and back; a
    // map[string]string (.Chart.Annotations) is not.
    if (typ === 'map[string]interface {}' && value instanceof Map && actual !== 'map[string]string') return value
    this.errorf(`wrong type for value; expected ${typ}; got ${value === null ? 'interface {}' : actual}`)
  }

  private evalArg(dot: GoValue, typ: GoType, n: ArgNode): GoValue {
    this.node = n
    if (n.type === 'dot') return this.validateType(dot, typ)
    if (n.type === 'nil') {
      // A builtin's reflect.Value parameter gets the zero Value (invalid), not a nil interface:
      // `len nil` fails as reflect does on it, where `len .Values.missing` is "len of nil pointer".
      if (typ === 'reflect.Value') return undefined
      if (typ === 'interface {}' || typ === 'map[string]interface {}') return null
      if (typ === '[]interface {}' || typ === '[]string') return nilSlice(typ)
      this.errorf(`cannot assign nil to ${typ}`)
    }
    if (n.type === 'field') return this.validateType(this.evalFieldNode(dot, n, noArgs, MISSING), typ)
    if (n.type === 'variable') return this.validateType(this.evalVariableNode(dot, n, noArgs, MISSING), typ)
    if (n.type === 'pipe') return this.validateType(this.evalPipeline(dot, n), typ)
    if (n.type === 'identifier') return this.validateType(this.evalFunction(dot, n, n, noArgs, MISSING), typ)
    if (n.type === 'chain') return this.validateType(this.evalChainNode(dot, n, noArgs, MISSING), typ)
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

/**
 * A function's argument `v` for a parameter of type `t`: a copy, so a struct reached through a
 * pointer is no longer addressable (builtins taking a reflect.Value, such as index, get the value
 * itself).
 */
function asArgument(v: GoValue, t: GoType): GoValue {
  return t !== 'reflect.Value' && v instanceof GoStruct && v.addressedString !== undefined ? v.copied() : v
}
