// The state of one execution of Go's text/template (text/template/exec.go, Go 1.24): the template,
// its output, the variable stack and dot's static type, and Go's error messages naming the node
// being evaluated. The evaluator and the walker extend it.
import type { Node } from './nodes.js'
import { errorContext } from './nodes.js'
import type { ParsedTemplate } from './parse.js'
import type { GoFunc, GoValue } from './values.js'

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

/** The value piped into a command when there is none. */
export const MISSING: unique symbol = Symbol('missing')
/** A pipeline's value so far: a value, or MISSING before the first command. */
export type Final = GoValue | typeof MISSING

/** A template, its output, its variables and its nesting depth. */
export interface Frame {
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

/** The node being evaluated, the variable stack, and errors worded as Go's. */
export abstract class Scope {
  /** The node being evaluated, named by errors; set directly (not through a call) as it changes often. */
  protected node: Node | undefined
  /** Whether dot is a range element, whose static type Go reports as interface {}. */
  protected dotIface = false

  protected readonly tmpl: ParsedTemplate
  protected readonly out: string[]
  protected vars: Variable[]
  protected readonly depth: number

  constructor(
    protected readonly env: ExecEnv,
    frame: Frame,
  ) {
    this.tmpl = frame.tmpl
    this.out = frame.out
    this.vars = frame.vars
    this.depth = frame.depth
  }

  errorf(message: string): never {
    const name = this.tmpl.name
    if (this.node === undefined) throw new ExecError(`template: ${name}: ${message}`, name)
    const { location, context } = errorContext(this.node)
    throw new ExecError(`template: ${location}: executing ${JSON.stringify(name)} at <${context}>: ${message}`, name)
  }

  protected push(name: string, value: GoValue): void {
    this.vars.push({ name, value })
  }
  protected mark(): number {
    return this.vars.length
  }
  protected pop(mark: number): void {
    this.vars.length = mark
  }
  protected setVar(name: string, value: GoValue): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i]
      if (v !== undefined && v.name === name) {
        v.value = value
        return
      }
    }
    this.errorf(`undefined variable: ${name}`)
  }
  protected setTopVar(n: number, value: GoValue, iface = false): void {
    const v = this.vars[this.vars.length - n]
    if (v !== undefined) {
      v.value = value
      v.iface = iface
    }
  }
  protected varIface(name: string): boolean {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i]
      if (v !== undefined && v.name === name) return v.iface === true
    }
    return false
  }
  protected varValue(name: string): GoValue {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i]
      if (v !== undefined && v.name === name) return v.value
    }
    this.errorf(`undefined variable: ${name}`)
  }
}
