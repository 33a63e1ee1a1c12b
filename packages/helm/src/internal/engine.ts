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

/**
 * An execution error as `^template: (.+?): executing (".*?") at (<.*?>): (.*)$` (flag s) reads it:
 * location, quoted template name, context and message, or undefined where it finds no match. Read
 * with indexOf: the pattern retried each lazy part from each later `: executing "` (a message
 * repeating it took about three times as long per doubling: 67 ms for 112 KB). The lazy parts end at the first place the rest can follow; when that
 * first place fails, every later one fails too (the later parts only have less text), so the first
 * occurrence of each separator decides.
 */
function execErrorParts(text: string): readonly [string, string, string, string] | undefined {
  if (!text.startsWith('template: ')) return undefined
  const start = 'template: '.length
  const executing = text.indexOf(': executing "', start + 1)
  if (executing < 0) return undefined
  const quote = executing + ': executing '.length
  const at = text.indexOf('" at <', quote + 1)
  if (at < 0) return undefined
  const open = at + '" at '.length
  const close = text.indexOf('>: ', open + 1)
  if (close < 0) return undefined
  return [text.slice(start, executing), text.slice(quote, at + 1), text.slice(open, close + 1), text.slice(close + 3)]
}

/**
 * `^(error calling \S+:) (.*)$` (flag s) without the pattern's scan of the rest: the run of
 * non-space characters after `error calling ` must end in `:` and be followed by a space.
 */
function errorCalling(text: string): readonly [string, string] | undefined {
  const prefix = 'error calling '
  if (!text.startsWith(prefix)) return undefined
  nonSpaceRun.lastIndex = prefix.length
  const end = prefix.length + (nonSpaceRun.exec(text)?.[0].length ?? 0)
  if (end < prefix.length + 2 || text[end - 1] !== ':' || text[end] !== ' ') return undefined
  return [text.slice(0, end), text.slice(end + 1)]
}

const nonSpaceRun = /\S*/y
const noTemplateRe = /^template: no template .* associated with template .*$/s

/**
 * Helm 4's multi-line form of an execution error (helm PR 13586): each template in the chain of
 * `include` calls on its own three lines. Only when every link of the chain is a template error;
 * an error returned by any other function keeps Go's one-line message (undefined here).
 */
export function reformatExecError(message: string): string | undefined {
  const parts: string[] = []
  let current = message
  for (;;) {
    const m = execErrorParts(current)
    if (m === undefined) {
      if (noTemplateRe.test(current)) {
        parts.push(current)
        break
      }
      return undefined
    }
    const [location, name, context, msg] = m
    const call = errorCalling(msg)
    if (call === undefined) {
      parts.push(`${location}\n  executing ${name} at ${context}:\n    ${msg}`)
      break
    }
    parts.push(`${location}\n  executing ${name} at ${context}:\n    ${call[0]}`)
    current = call[1]
  }
  return parts.join('\n')
}
