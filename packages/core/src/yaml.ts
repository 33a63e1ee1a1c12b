/**
 * The YAML dialects of the Go tools this SDK mirrors, and one parse budget for every package:
 * go-yaml v3's scalar resolution (kustomize's kyaml, sops), YAML 1.1 as go-yaml v2 reads and quotes
 * it (kustomization files, sigs.k8s.io/yaml output), go-yaml v2's key order, and the limits (size,
 * alias expansion, depth) every parse of untrusted YAML goes through. The go-yaml v2 printer itself
 * is `stringifyObjects`/`stringifyValue` in the main entry.
 *
 * @experimental For the sibling packages of gitops-sdk; may change in any minor version.
 * @packageDocumentation
 */
export type { ResolvedScalar } from './yaml/resolve.js'
export { parseYamlTimestamp, resolveScalar, resolveTaggedScalar, shortTag } from './yaml/resolve.js'
export { isBase60Float, isYaml11Bool, needsQuotesV2, resolveScalar11 } from './yaml/resolve11.js'
export { sortKeysV2 } from './yaml/sortKeysV2.js'
export type { YamlBudget, YamlBudgetOverrides, YamlStream, YamlStreamDocument, YamlStreamOptions } from './yaml/budget.js'
export { defaultYamlBudget, parseYamlStream, yamlNestingError } from './yaml/budget.js'
export { withinYamlNesting } from './yaml/nesting.js'
export type { MeasuredYamlOptions } from './yaml/parseMeasuredYaml.js'
export { parseMeasuredYaml } from './yaml/parseMeasuredYaml.js'
export type { YamlValueDocument, YamlValuesOptions } from './yaml/parseValues.js'
export { parseYamlValues } from './yaml/parseValues.js'
export { foldedRoundTripV3 } from './yaml/foldedRoundTrip.js'
