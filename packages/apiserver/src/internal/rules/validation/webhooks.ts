// The essentials of admissionregistration.k8s.io/v1 webhook configurations, as kube-apiserver 1.32
// checks them: each webhook's name (a domain of three or more segments, unique), exactly one of
// clientConfig.url (https) or service, sideEffects None or NoneOnDryRun, admissionReviewVersions
// naming v1 or v1beta1, timeoutSeconds from 1 to 30, failurePolicy, matchPolicy and (mutating)
// reinvocationPolicy values, and namespaceSelector and objectSelector as ValidateLabelSelector checks
// them (a selector the dispatcher could not parse is refused here, not stored).
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeObject, KubeValue } from '@gitops-sdk/core'
import type { FieldError } from '../../../status.js'
import { labelSelectorErrors } from './selectors.js'

const supported = (field: string, value: KubeValue, values: readonly string[]): FieldError => ({
  type: 'NotSupported',
  field,
  value,
  detail: `supported values: ${values.map((v) => `"${v}"`).join(', ')}`,
})

/** The field errors of a Validating- or MutatingWebhookConfiguration. */
export function webhookConfigurationErrors(object: KubeObject, mutating: boolean): FieldError[] {
  const errors: FieldError[] = []
  const webhooks: readonly KubeValue[] = Array.isArray(object.webhooks) ? object.webhooks : []
  const seen = new Set<string>()
  webhooks.forEach((hook, i) => {
    const at = `webhooks[${i}]`
    const w = isKubeMap(hook) ? hook : {}
    const name = typeof w.name === 'string' ? w.name : ''
    if (name === '') errors.push({ type: 'Required', field: `${at}.name` })
    else if (name.split('.').length < 3) errors.push({ type: 'Invalid', field: `${at}.name`, value: name, detail: 'should be a domain with at least three segments separated by dots' })
    else if (seen.has(name)) errors.push({ type: 'Duplicate', field: `${at}.name`, value: name })
    seen.add(name)
    const versions = Array.isArray(w.admissionReviewVersions) ? w.admissionReviewVersions : []
    if (versions.length === 0) errors.push({ type: 'Required', field: `${at}.admissionReviewVersions`, detail: 'must specify one of v1, v1beta1' })
    else if (!versions.some((v) => v === 'v1' || v === 'v1beta1')) {
      errors.push({ type: 'Invalid', field: `${at}.admissionReviewVersions`, value: versions, detail: 'must include at least one of v1, v1beta1' })
    }
    if (w.sideEffects === undefined) errors.push({ type: 'Required', field: `${at}.sideEffects`, detail: 'must specify one of None, NoneOnDryRun' })
    else if (w.sideEffects !== 'None' && w.sideEffects !== 'NoneOnDryRun') errors.push(supported(`${at}.sideEffects`, w.sideEffects, ['None', 'NoneOnDryRun']))
    const config = isKubeMap(w.clientConfig) ? w.clientConfig : {}
    const url = typeof config.url === 'string' ? config.url : undefined
    const hasService = isKubeMap(config.service)
    if ((url !== undefined) === hasService) errors.push({ type: 'Required', field: `${at}.clientConfig`, detail: 'exactly one of url or service is required' })
    else if (url !== undefined && !url.startsWith('https://')) {
      errors.push({ type: 'Invalid', field: `${at}.clientConfig.url`, value: url, detail: "'https' is the only allowed URL scheme" })
    }
    if (w.timeoutSeconds !== undefined && (typeof w.timeoutSeconds !== 'number' || w.timeoutSeconds < 1 || w.timeoutSeconds > 30)) {
      errors.push({ type: 'Invalid', field: `${at}.timeoutSeconds`, value: w.timeoutSeconds, detail: 'the timeout value must be between 1 and 30 seconds' })
    }
    if (w.failurePolicy !== undefined && w.failurePolicy !== 'Fail' && w.failurePolicy !== 'Ignore') errors.push(supported(`${at}.failurePolicy`, w.failurePolicy, ['Fail', 'Ignore']))
    if (w.matchPolicy !== undefined && w.matchPolicy !== 'Exact' && w.matchPolicy !== 'Equivalent') errors.push(supported(`${at}.matchPolicy`, w.matchPolicy, ['Equivalent', 'Exact']))
    errors.push(...labelSelectorErrors(w.namespaceSelector, `${at}.namespaceSelector`), ...labelSelectorErrors(w.objectSelector, `${at}.objectSelector`))
    if (mutating && w.reinvocationPolicy !== undefined && w.reinvocationPolicy !== 'Never' && w.reinvocationPolicy !== 'IfNeeded') {
      errors.push(supported(`${at}.reinvocationPolicy`, w.reinvocationPolicy, ['Never', 'IfNeeded']))
    }
  })
  return errors
}
