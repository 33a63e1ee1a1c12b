// Go (RE2) regular expressions for the patterns users write in kustomizations (selectors, list
// items `[name=value]`, image names): kustomize compiles them with Go's regexp, so they go to
// core's compileGoRegexp, which has Go's syntax and matches in linear time. Render's contract is
// undefined for a pattern Go rejects; each caller names the pattern in its error.
import type { GoRegexp } from '@gitops-sdk/core/go'
import { compileGoRegexp } from '@gitops-sdk/core/go'

/** Compiles a Go regular expression, or returns undefined when it is not valid. */
export function goRegExp(pattern: string): GoRegexp | undefined {
  try {
    return compileGoRegexp(pattern)
  } catch {
    return undefined
  }
}
