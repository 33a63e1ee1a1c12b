import type { Clock } from '@gitops-sdk/core'
import { HelmError } from './errors.js'
import { isStackOverflow, tooDeep } from './internal/engine.js'
import { helmFuncs } from './internal/helmFuncs.js'
import { fromKube } from './internal/funcs/convert.js'
import { builtinFuncs } from './internal/template/builtins.js'
import { ExecError, type MissingKey, execute } from './internal/template/exec.js'
import { ParseError, type ParsedTemplate, parseTemplate } from './internal/template/parse.js'
import type { GoFunc } from './internal/template/values.js'
import { resolveLocalZone } from './internal/funcs/localZone.js'
import type { HelmTimeZone } from './timeZone.js'

/** Options of {@link renderTemplate}. */
export interface RenderTemplateOptions {
  /** The template's name, shown in error messages. @defaultValue `'template'` */
  readonly name?: string | undefined
  /**
   * Go's `missingkey` option: `'default'` prints `<no value>` for a missing map key, `'zero'` uses
   * the zero value (nil), `'error'` fails.
   * @defaultValue `'default'`
   */
  readonly missingKey?: MissingKey | undefined
  /**
   * Which functions the template may call: `'go'` for text/template's builtins only, `'helm'` for
   * Helm's set (Sprig without `env`/`expandenv`, plus `include`, `tpl`, `required`, `toYaml`, ...).
   * @defaultValue `'helm'`
   */
  readonly functions?: 'go' | 'helm' | undefined
  /** Other templates (`define`s) available to `template` and `include`, as name → text. */
  readonly partials?: Readonly<Record<string, string>> | undefined
  /** The time `now`, `date`, `ago` and the other date functions see. @defaultValue the system clock */
  readonly clock?: Clock | undefined
  /**
   * The zone Go's `time.Local` is in for the date functions and time.Time's methods (see
   * `RenderChartOptions.timeZone`). @defaultValue `'UTC'`
   */
  readonly timeZone?: HelmTimeZone | undefined
}

/** Go's `missingkey` modes. */
export type { MissingKey }

/**
 * Executes one Go text/template with `data` as dot, as Go 1.25's text/template does: same
 * output, same `fmt` formatting, same error messages. `data` is plain JSON-like data; every number
 * in it is a float64, as Helm reads values.
 *
 * @experimental The template engine is new; its options may change in any minor.
 * @throws `HELM_TEMPLATE_PARSE` for a template that does not parse, `HELM_TEMPLATE_EXEC` when it
 *   fails while executing; the message is Go's (`template: NAME:LINE:COL: executing ...`).
 * @example
 * ```ts
 * const text = renderTemplate('{{ range $k, $v := . }}{{ $k }}={{ $v | quote }} {{ end }}', { b: 2, a: 'x' })
 * // → 'a="x" b="2" '
 * ```
 */
export function renderTemplate(text: string, data: unknown, options: RenderTemplateOptions = {}): string {
  const name = options.name ?? 'template'
  const funcs = new Map<string, GoFunc>(builtinFuncs())
  const templates = new Map<string, ParsedTemplate>()
  const env = { templates, funcs, missingKey: options.missingKey ?? 'default' }
  if ((options.functions ?? 'helm') === 'helm') for (const [k, f] of helmFuncs(env, options.clock, resolveLocalZone(options.timeZone))) funcs.set(k, f)
  const sources: [string, string][] = [...Object.entries(options.partials ?? {}), [name, text]]
  for (const [file, source] of sources) {
    try {
      for (const t of parseTemplate(file, source, (f) => funcs.has(f))) templates.set(t.name, t)
    } catch (err) {
      if (err instanceof ParseError || isStackOverflow(err)) {
        const message = err instanceof ParseError ? err.message : `template: ${file}: ${tooDeep}`
        throw new HelmError({ code: 'HELM_TEMPLATE_PARSE', message, details: { template: file }, cause: err })
      }
      throw err
    }
  }
  try {
    return execute(env, name, fromKube(data))
  } catch (err) {
    if (err instanceof ExecError) {
      throw new HelmError({ code: 'HELM_TEMPLATE_EXEC', message: err.message, details: { template: err.templateName }, cause: err })
    }
    if (isStackOverflow(err)) {
      throw new HelmError({ code: 'HELM_TEMPLATE_EXEC', message: `template: ${name}: ${tooDeep}`, details: { template: name }, cause: err })
    }
    throw err
  }
}
