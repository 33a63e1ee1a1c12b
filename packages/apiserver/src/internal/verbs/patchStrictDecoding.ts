// The end of kube-apiserver's JSON and merge patchers once the patched object decodes: its
// strict-decoding errors as a 422 under Strict or as warnings under Warn.
import type { KubeObject } from '@gitops-sdk/core'
import type { ResourceType } from '../state/registry.js'
import { invalid } from '../../status.js'
import type { WriteRequest } from './writes.js'
import { pruneBuiltinFields, pruneCustomFields } from '../rules/unknownFields.js'
import { strictErrorText } from './patchStrictErrors.js'
import type { StrictFieldError } from './patchStrictErrors.js'

/**
 * The end of kube's JSON and merge patcher once the patched object decodes: its strict-decoding
 * errors, the patch body's first (`strictErrors`) and then the object's unknown fields (dropped
 * here), are under Strict one 422 Invalid with an empty GroupKind and the patched object's JSON as
 * the value (`strict decoding error: json patch unknown field "[0].x", unknown field "spec.y"`),
 * under Warn one warning each, and under Ignore nothing.
 */
export function strictDecoding(
  type: ResourceType,
  object: KubeObject,
  against: { readonly strictErrors: readonly StrictFieldError[]; readonly request: WriteRequest; readonly patchedJson: () => string },
): void {
  const { request } = against
  const prune = (value: KubeObject): string[] => (type.crd === undefined ? pruneBuiltinFields(value) : pruneCustomFields(value, type.crd.schema))
  let dropped = prune(object)
  if (request.fieldValidation === 'Ignore') return
  let patched: string | undefined
  if (dropped.length > 1) {
    // The decoder meets them in the order of the patched JSON json-patch wrote: read again in it.
    patched = against.patchedJson()
    dropped = prune(JSON.parse(patched) as KubeObject)
  }
  const unknown = dropped.map((path) => `unknown field ${JSON.stringify(path)}`)
  if (request.fieldValidation === 'Warn') {
    for (const [n, error] of against.strictErrors.entries()) request.warnings.push(warningText(error, n))
    for (const warning of unknown) request.warnings.push(warning)
    return
  }
  if (against.strictErrors.length === 0 && unknown.length === 0) return
  const errors = [...against.strictErrors.map((error) => strictErrorText(error)), ...unknown]
  // The value is the patched JSON before unknown fields are dropped: kube's decoder reads it as sent.
  throw invalid({ group: '', kind: '' }, '', [{ type: 'Invalid', field: 'patch', value: patched ?? against.patchedJson(), detail: `strict decoding error: ${errors.join(', ')}` }])
}

/**
 * The strict-decoding errors of a patch body alone (a /scale patch, whose Scale has no unknown
 * fields checked here): under Warn one warning each, under Strict a 422 Invalid as strictDecoding's,
 * `patchedJson` called only then; nothing when there are none or under Ignore.
 */
export function reportStrictErrors(errors: readonly StrictFieldError[], against: { readonly request: WriteRequest; readonly patchedJson: () => string }): void {
  const { request } = against
  if (errors.length === 0 || request.fieldValidation === 'Ignore') return
  if (request.fieldValidation === 'Warn') {
    for (const [n, error] of errors.entries()) request.warnings.push(warningText(error, n))
    return
  }
  const detail = `strict decoding error: ${errors.map((error) => strictErrorText(error)).join(', ')}`
  throw invalid({ group: '', kind: '' }, '', [{ type: 'Invalid', field: 'patch', value: against.patchedJson(), detail }])
}

/**
 * UTF-16 units of a strict error's path quoted whole for a warning: past them the text has more
 * runes than kube's recorder writes in all (4 KiB), so it only ever shows its first 256.
 */
const WARNING_PATH_UNITS = 2 * (4 * 1024 + 1)

/**
 * The warning text of the `n`th strict error: the whole text, or for a longer path its first
 * WARNING_PATH_UNITS quoted and a NUL and `n` after them. The recorder (recordWarnings) cuts such a
 * text to 256 runes, so the tail is never written; it keeps two long paths with one beginning apart,
 * as their whole texts are (strict errors are distinct, and a NUL never appears in a quoted path).
 */
function warningText(error: StrictFieldError, n: number): string {
  if (error.path.length <= WARNING_PATH_UNITS) return strictErrorText(error)
  return `${strictErrorText(error, WARNING_PATH_UNITS)}\u0000${n}`
}
