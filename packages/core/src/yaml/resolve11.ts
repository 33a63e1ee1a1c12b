// YAML 1.1 as go-yaml v2 (v2.4.0, resolve.go and encode.go) reads and writes it: kustomize reads
// kustomization files and prints every resource through sigs.k8s.io/yaml, which is go-yaml v2. Its
// resolver is v3's plus the YAML 1.1 booleans; its encoder also quotes YAML 1.1 base-60 numbers.
import type { ResolvedScalar } from './resolve.js'
import { resolveScalar } from './resolve.js'

const TRUE: ResolvedScalar = { tag: '!!bool', value: true }
const FALSE: ResolvedScalar = { tag: '!!bool', value: false }

const yaml11Bools = new Map<string, ResolvedScalar>([
  ['y', TRUE], ['Y', TRUE], ['yes', TRUE], ['Yes', TRUE], ['YES', TRUE], ['on', TRUE], ['On', TRUE], ['ON', TRUE],
  ['n', FALSE], ['N', FALSE], ['no', FALSE], ['No', FALSE], ['NO', FALSE], ['off', FALSE], ['Off', FALSE], ['OFF', FALSE],
])

/**
 * What go-yaml v2 makes of an untagged plain scalar: {@link resolveScalar}'s answer, except that
 * the YAML 1.1 booleans `y`, `yes`, `on`, `n`, `no`, `off` (in three spellings each) are bools.
 * (v2 decodes a timestamp into an `interface{}` as its original text; the tag still says what it is.)
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export function resolveScalar11(text: string): ResolvedScalar {
  return yaml11Bools.get(text) ?? resolveScalar(text)
}

/**
 * True for the YAML 1.1 booleans that YAML 1.2 reads as strings (go-yaml v3's `isOldBool`).
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export function isYaml11Bool(text: string): boolean {
  return yaml11Bools.has(text)
}

const base60Float = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/

/**
 * True for YAML 1.1 base-60 numbers (`1:20`, `190:20:30.15`), which go-yaml quotes when it writes a string.
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export function isBase60Float(text: string): boolean {
  return text.includes(':') && base60Float.test(text)
}

/**
 * True when go-yaml v2 must quote the string `text` so it reads back as a string (encode.go
 * `stringv`): it would resolve as something else (`"yes"`, `"1e3"`, `"~"`), or it is a base-60
 * number (`"1:20"`). The emitter's own checks (indicators, spaces, line breaks) come on top.
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export function needsQuotesV2(text: string): boolean {
  return resolveScalar11(text).tag !== '!!str' || isBase60Float(text)
}
