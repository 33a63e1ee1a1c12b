// The executor of Go's text/template (text/template/exec.go, Go 1.24): the walk over a parsed
// template's nodes, if/with/range over slices, maps (sorted keys) and integers, break/continue,
// template calls and printing, on top of the evaluator.
import { Evaluator } from './evaluate.js'
import { NO_FLAGS, formatValue } from './fmt.js'
import type { BranchNode, ListNode, Node, TemplateNode } from './nodes.js'
import { nodeString } from './nodes.js'
import { type ExecEnv, ExecError } from './state.js'
import { GoInt, GoStruct, type GoValue, int, isGoFunc, isTrue, sortedKeys, typeName } from './values.js'

export type { ExecEnv, MissingKey } from './state.js'
export { ExecError } from './state.js'

// {{break}} and {{continue}} unwind to their range as Go's panic(walkBreak) does.
class WalkSignal extends Error {}
const walkBreak = new WalkSignal('break')
const walkContinue = new WalkSignal('continue')

const maxExecDepth = 1000

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

class State extends Evaluator {
  walk(dot: GoValue, node: Node): void {
    this.node = node
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
      case 'list': {
        // An indexed loop: cold code runs for-of through the iterator protocol, an object per step.
        const nodes = node.nodes
        for (let i = 0; i < nodes.length; i++) this.walk(dot, nodes[i] as Node)
        return
      }
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
    this.node = r
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
    this.node = t
    const tmpl = this.env.templates.get(t.name)
    if (tmpl === undefined) this.errorf(`template ${JSON.stringify(t.name)} not defined`)
    if (this.depth >= maxExecDepth) this.errorf(`exceeded maximum template depth (${maxExecDepth})`)
    const newDot = t.pipe === undefined ? undefined : this.evalPipeline(dot, t.pipe)
    const s = new State(this.env, { tmpl, out: this.out, vars: [{ name: '$', value: newDot }], depth: this.depth + 1 })
    s.walk(newDot, tmpl.root)
  }

  private printValue(n: Node, v: GoValue): void {
    this.node = n
    if (v === undefined) {
      this.out.push('<no value>')
      return
    }
    // Most actions print a string, which %v prints as it is.
    if (typeof v === 'string') {
      this.out.push(v)
      return
    }
    if (isGoFunc(v)) this.errorf(`can't print ${nodeString(n)} of type ${typeName(v)}`)
    if (v instanceof GoStruct) {
      if (v.addressedString !== undefined) {
        this.out.push(v.addressedString())
        return
      }
      // text/template prints what a pointer points at (printableValue's indirect): `{{ .Capabilities }}`
      // is `{…}` where fmt's %v of the pointer is `&{…}`; a String method is called all the same.
      if (v.stringer === undefined && v.typeName.startsWith('*')) {
        this.out.push(formatValue(v, 'v', NO_FLAGS).slice(1))
        return
      }
    }
    this.out.push(formatValue(v, 'v', NO_FLAGS))
  }
}

/** Whether a list is only whitespace text (Go's IsEmptyTree). */
export function isEmptyList(l: ListNode): boolean {
  return l.nodes.every((n) => n.type === 'text' && n.text.trim() === '')
}
