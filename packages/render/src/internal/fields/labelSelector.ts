// Kubernetes label selectors in their text form (`app=web,tier!=db,env in (a,b),!legacy`), as
// apimachinery's labels.Parse reads them, used by patch targets and replacements.
import { stepError } from '../build/fail.js'

type Op = 'exists' | '!exists' | '=' | '!=' | 'in' | 'notin' | 'gt' | 'lt'

interface Requirement {
  readonly key: string
  readonly op: Op
  readonly values: readonly string[]
}

export type LabelSelector = readonly Requirement[]

const cache = new Map<string, LabelSelector>()

/** Parses a selector; '' selects everything. */
export function parseLabelSelector(text: string): LabelSelector {
  let sel = cache.get(text)
  if (sel === undefined) {
    sel = parse(text)
    cache.set(text, sel)
  }
  return sel
}

/** Whether `labels` satisfy every requirement. */
export function matchesSelector(sel: LabelSelector, labels: ReadonlyMap<string, string>): boolean {
  return sel.every((r) => {
    const v = labels.get(r.key)
    switch (r.op) {
      case 'exists':
        return v !== undefined
      case '!exists':
        return v === undefined
      case '=':
      case 'in':
        return v !== undefined && r.values.includes(v)
      case '!=':
      case 'notin':
        return v === undefined || !r.values.includes(v)
      case 'gt':
      case 'lt': {
        if (v === undefined || !/^-?\d+$/.test(v)) return false
        const n = Number(v)
        const bound = Number(r.values[0])
        return r.op === 'gt' ? n > bound : n < bound
      }
    }
  })
}

function tokenize(text: string): string[] {
  const out: string[] = []
  let i = 0
  while (i < text.length) {
    const c = text[i] as string
    if (/\s/.test(c)) {
      i++
      continue
    }
    const two = text.slice(i, i + 2)
    if (two === '!=' || two === '==') {
      out.push(two)
      i += 2
      continue
    }
    if ('!=(),<>'.includes(c)) {
      out.push(c)
      i++
      continue
    }
    let j = i
    while (j < text.length && !/[\s!=(),<>]/.test(text[j] as string)) j++
    out.push(text.slice(i, j))
    i = j
  }
  return out
}

function parse(text: string): LabelSelector {
  const toks = tokenize(text)
  const reqs: Requirement[] = []
  let i = 0
  const fail = (why: string): Error => stepError('RENDER_PATCH_FAILED', `unable to parse requirement: ${why} in label selector "${text}"`)
  const isIdent = (t: string | undefined): t is string => t !== undefined && !['!', '!=', '==', '=', '(', ')', ',', '<', '>'].includes(t)
  while (i < toks.length) {
    let negate = false
    if (toks[i] === '!') {
      negate = true
      i++
    }
    const key = toks[i]
    if (!isIdent(key)) throw fail(`found '${String(key)}', expected identifier`)
    i++
    const op = toks[i]
    if (negate) {
      if (op !== undefined && op !== ',') throw fail(`found '${op}', expected ','`)
      reqs.push({ key, op: '!exists', values: [] })
    } else if (op === undefined || op === ',') {
      reqs.push({ key, op: 'exists', values: [] })
    } else if (op === '=' || op === '==' || op === '!=') {
      i++
      let value = ''
      if (isIdent(toks[i])) {
        value = toks[i] as string
        i++
      }
      reqs.push({ key, op: op === '!=' ? '!=' : '=', values: [value] })
    } else if (op === 'in' || op === 'notin') {
      i++
      if (toks[i] !== '(') throw fail(`found '${toks[i] ?? ''}', expected '('`)
      i++
      const values: string[] = []
      for (;;) {
        const t = toks[i]
        if (t === ')') {
          i++
          break
        }
        if (t === ',') {
          if (values.length === 0) values.push('')
          i++
          if (toks[i] === ')' || toks[i] === ',') values.push('')
          continue
        }
        if (!isIdent(t)) throw fail(`found '${String(t)}', expected ')'`)
        values.push(t)
        i++
      }
      reqs.push({ key, op, values })
    } else if (op === '<' || op === '>') {
      i++
      const v = toks[i]
      if (v === undefined || !/^-?\d+$/.test(v)) throw fail(`for 'Gt', 'Lt' operators, the value must be an integer`)
      i++
      reqs.push({ key, op: op === '>' ? 'gt' : 'lt', values: [v] })
    } else {
      throw fail(`found '${op}', expected: '=', '!=', '==', 'in', notin'`)
    }
    if (i < toks.length) {
      if (toks[i] !== ',') throw fail(`found '${toks[i] ?? ''}', expected ','`)
      i++
    }
  }
  return reqs
}
