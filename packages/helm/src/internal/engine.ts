// Helm's template engine (helm.sh/helm/v4 pkg/engine): every template of a chart parsed into one
// set in Helm's order, Sprig plus Helm's own functions (helmFuncs.ts: include, tpl, required, fail, toYaml, ...),
// missingkey=zero, and "<no value>" removed from each rendered file.
import type { Clock } from '@gitops-sdk/core'
import type { HelmTimeZone } from '../timeZone.js'
import { resolveLocalZone } from './funcs/localZone.js'
import { helmFuncs, parseOnce, warnEnd, warnStart } from './helmFuncs.js'
import { builtinFuncs } from './template/builtins.js'
import { type ExecEnv, ExecError, type MissingKey, execute } from './template/exec.js'
import { ParseError, type ParsedTemplate } from './template/parse.js'
import type { GoFunc, GoValue } from './template/values.js'

/** One template file of a chart: its name (`chart/templates/x.yaml`) and text. */
export interface TemplateFile {
  readonly name: string
  readonly text: string
}

/** A failure while rendering, already worded as helm words it. */
export class EngineError extends Error {
  constructor(
    message: string,
    readonly kind: 'parse' | 'exec',
    readonly template: string,
  ) {
    super(message)
  }
}

/** Helm's sortTemplates: deeper paths first, then reverse lexical order. */
export function helmTemplateOrder(names: readonly string[]): string[] {
  // Each name's depth counted once, not twice per comparison (a split per call, run cold).
  const depths = new Map<string, number>()
  for (const s of names) {
    let d = 0
    for (let i = s.indexOf('/'); i >= 0; i = s.indexOf('/', i + 1)) d++
    depths.set(s, d)
  }
  return [...names].sort((a, b) => {
    const da = depths.get(a) ?? 0
    const db = depths.get(b) ?? 0
    if (da !== db) return db - da
    return a < b ? 1 : a > b ? -1 : 0
  })
}

/** Options of {@link renderTemplates}. */
export interface EngineOptions {
  /** Helm's --strict lint mode: missingkey=error. */
  readonly strict?: boolean | undefined
  /** time.Now for `now`, `date`, `ago` and the other date functions. */
  readonly clock?: Clock | undefined
  /** time.Local for the date functions and time.Time's methods. @defaultValue UTC */
  readonly timeZone?: HelmTimeZone | undefined
}

/** Parses every file into one set and renders each file that is not a partial (`_*`). */
export function renderTemplates(
  files: readonly TemplateFile[],
  data: (file: TemplateFile) => GoValue,
  options: EngineOptions = {},
): Map<string, string> {
  const templates = new Map<string, ParsedTemplate>()
  const funcs = new Map<string, GoFunc>(builtinFuncs())
  const missingKey: MissingKey = options.strict === true ? 'error' : 'zero'
  const env: ExecEnv = { templates, funcs, missingKey }
  for (const [name, f] of helmFuncs(env, options.clock, resolveLocalZone(options.timeZone))) funcs.set(name, f)
  const byName = new Map(files.map((f) => [f.name, f]))
  const order = helmTemplateOrder([...byName.keys()])
  for (const name of order) {
    const file = byName.get(name)
    if (file === undefined) continue
    try {
      for (const t of parseOnce(name, file.text, (f) => funcs.has(f))) templates.set(t.name, t)
    } catch (err) {
      if (err instanceof ParseError) throw new EngineError(cleanupParseError(name, err.message), 'parse', name)
      if (isStackOverflow(err)) throw new EngineError(`parse error in (${name}): ${tooDeep}`, 'parse', name)
      throw err
    }
  }
  const out = new Map<string, string>()
  for (const name of order) {
    const base = name.split('/').pop() ?? name
    if (base.startsWith('_')) continue
    const file = byName.get(name)
    if (file === undefined) continue
    try {
      out.set(name, execute(env, name, data(file)).replaceAll('<no value>', ''))
    } catch (err) {
      if (err instanceof ExecError) throw new EngineError(cleanupExecError(name, err.message), 'exec', name)
      if (isStackOverflow(err)) throw new EngineError(`execution error in (${name}): ${tooDeep}`, 'exec', name)
      throw err
    }
  }
  return out
}

/** What a template nested or recursing past the JavaScript stack fails with. */
export const tooDeep = 'template nesting or recursion too deep (the JavaScript stack ran out)'

/** Whether an error is V8's stack overflow, which deep nesting or endless include recursion cause. */
export function isStackOverflow(err: unknown): boolean {
  return err instanceof RangeError && /call stack/i.test(err.message)
}

function cleanupParseError(filename: string, message: string): string {
  const tokens = message.split(': ')
  if (tokens.length === 1) return `parse error in (${filename}): ${message}`
  return `parse error at (${tokens[1] ?? ''}): ${tokens[tokens.length - 1] ?? ''}`
}

function cleanupExecError(filename: string, message: string): string {
  const first = message.indexOf(': ')
  const second = first < 0 ? -1 : message.indexOf(': ', first + 2)
  if (first < 0 || second < 0) return `execution error in (${filename}): ${message}`
  const location = message.slice(first + 2, second)
  const rest = message.slice(second + 2)
  // What `${warnStart}(.*)${warnEnd}` (flag s) captures: from the first start marker to the last end
  // marker after it. Found with indexOf: the pattern retried from each start marker to the text's
  // end, quadratic on a message (a value printed in it) of many start markers and no end.
  const from = rest.indexOf(warnStart)
  const to = rest.lastIndexOf(warnEnd)
  if (from >= 0 && to >= from + warnStart.length) return `execution error at (${location}): ${rest.slice(from + warnStart.length, to)}`
  return reformatExecError(message) ?? message
}

const execErrorRe = /^template: (.+?): executing (".*?") at (<.*?>): (.*)$/s
const noTemplateRe = /^template: no template .* associated with template .*$/s

/**
 * Helm 4's multi-line form of an execution error (helm PR 13586): each template in the chain of
 * `include` calls on its own three lines. Only when every link of the chain is a template error;
 * an error returned by any other function keeps Go's one-line message.
 */
function reformatExecError(message: string): string | undefined {
  const parts: string[] = []
  let current = message
  for (;;) {
    const m = execErrorRe.exec(current)
    if (m === null) {
      if (noTemplateRe.test(current)) {
        parts.push(current)
        break
      }
      return undefined
    }
    const [, location = '', name = '', context = '', msg = ''] = m
    const call = /^(error calling \S+:) (.*)$/s.exec(msg)
    if (call === null) {
      parts.push(`${location}\n  executing ${name} at ${context}:\n    ${msg}`)
      break
    }
    parts.push(`${location}\n  executing ${name} at ${context}:\n    ${call[1] ?? ''}`)
    current = call[2] ?? ''
  }
  return parts.join('\n')
}
