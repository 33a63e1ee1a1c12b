import type { KubeObject, KubeValue } from '@gitops-sdk/core'
import { isGitOpsError, stringifyValue } from '@gitops-sdk/core'
import { RenderError } from './errors.js'
import { SubstitutionError, envsubst } from './internal/envsubst/eval.js'
import { StepError } from './internal/build/fail.js'
import { parseYaml11 } from './internal/yaml/yaml11.js'

/** Options of {@link substituteVariables}. */
export interface SubstituteVariablesOptions {
  /** Variables by name. Values lose their newlines, as in Flux. */
  readonly variables: Readonly<Record<string, string>>
  /** An undefined variable without a default is an error. @defaultValue false */
  readonly strict?: boolean | undefined
}

const NAME = /^[_a-zA-Z][_a-zA-Z0-9]*$/
const DISABLED = 'kustomize.toolkit.fluxcd.io/substitute'

function describe(o: KubeObject): string {
  const ns = o.metadata.namespace
  return ns === undefined || ns === '' ? `${o.kind}/${o.metadata.name}` : `${o.kind}/${ns}/${o.metadata.name}`
}

function disabled(o: KubeObject): boolean {
  return o.metadata.labels?.[DISABLED] === 'disabled' || o.metadata.annotations?.[DISABLED] === 'disabled'
}

/**
 * Applies Flux's post-build variable substitution to objects, as kustomize-controller does after
 * the build: each object is printed as YAML, `${var}` expressions are expanded in the text, and
 * the text is read back with YAML 1.1 rules, so a whole-scalar substitution such as `replicas:
 * ${REPLICAS}` keeps a number a number and `true`/`yes` a boolean. Objects labelled or annotated
 * `kustomize.toolkit.fluxcd.io/substitute: disabled` are left alone. With no variables at all,
 * nothing is substituted (Flux's behaviour). Returns new objects; the input is not modified.
 *
 * @throws `RENDER_SUBSTITUTE_FAILED` for an invalid variable name, a bad expression, an undefined
 * variable in strict mode, or a result that is not valid YAML, naming the object and variable.
 * @example
 * ```ts
 * const out = substituteVariables(objects, { variables: { cluster_env: 'prod' }, strict: true })
 * ```
 */
export function substituteVariables(objects: readonly KubeObject[], options: SubstituteVariablesOptions): KubeObject[] {
  if (typeof options !== 'object' || typeof options.variables !== 'object') {
    throw new TypeError('substituteVariables: options.variables must be an object')
  }
  const vars = new Map<string, string>()
  for (const [k, v] of Object.entries(options.variables)) {
    if (!NAME.test(k)) {
      throw new RenderError({
        code: 'RENDER_SUBSTITUTE_FAILED',
        message: `variable ${k}: invalid name, must match '^[_[:alpha:]][_[:alpha:][:digit:]]*$'`,
        details: { variable: k },
      })
    }
    vars.set(k, v.replaceAll('\n', ''))
  }
  if (vars.size === 0) return [...objects]
  const strict = options.strict ?? false
  return objects.map((o) => (disabled(o) ? o : substituteOne(o, vars, strict)))
}

function substituteOne(o: KubeObject, vars: ReadonlyMap<string, string>, strict: boolean): KubeObject {
  const subject = describe(o)
  let text: string
  try {
    text = envsubst(stringifyValue(o, subject), (name) => (strict ? vars.get(name) : (vars.get(name) ?? '')))
  } catch (err) {
    if (err instanceof SubstitutionError) {
      const variable = /"([^"]*)"/.exec(err.message)?.[1]
      throw new RenderError({
        code: 'RENDER_SUBSTITUTE_FAILED',
        message: `${subject}: variable substitution failed: ${err.message}`,
        details: { object: subject, ...(variable === undefined ? {} : { variable }) },
      })
    }
    if (isGitOpsError(err)) throw err
    throw err
  }
  return parse11(text, subject)
}

/** Reads the substituted text back as sigs.k8s.io/yaml does (go-yaml v2, YAML 1.1 scalars). */
function parse11(text: string, subject: string): KubeObject {
  let value: KubeValue | undefined
  try {
    value = parseYaml11(text, subject)
  } catch (err) {
    if (err instanceof StepError) {
      throw new RenderError({ code: 'RENDER_SUBSTITUTE_FAILED', message: `${subject}: the substituted object is not valid YAML: ${err.message}`, details: { object: subject } })
    }
    throw err
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RenderError({ code: 'RENDER_SUBSTITUTE_FAILED', message: `${subject}: the substituted object is not a mapping`, details: { object: subject } })
  }
  return value as KubeObject
}
