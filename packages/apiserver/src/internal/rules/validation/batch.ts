// Jobs and CronJobs as batch's validation of Kubernetes 1.32 checks their essentials: counters not
// negative, the template's restart policy OnFailure or Never, the pod template, the fields an update may
// not change, and a CronJob's schedule (robfig/cron's standard parser and its messages), concurrency
// policy and name length.
import type { KubeMap, KubeObject } from '@gitops-sdk/core'
import { isKubeMap } from '@gitops-sdk/core'
import { deepEqual } from '../../state/objects.js'
import type { FieldError } from '../../../status.js'
import { goLabelSelector } from './goValues.js'
import { mapOf, numberOf, podTemplateErrors, stringOf, supported } from './pods.js'
import { labelSelectorErrors } from './selectors.js'
import { nonNegative } from './workloads.js'
import { cronScheduleError } from './cron.js'

/** A Job spec at `field` (`spec`, `spec.jobTemplate.spec`); `generated` when the server made the selector. */
export function jobSpecErrors(spec: KubeMap, field: string): FieldError[] {
  const errors: FieldError[] = []
  for (const key of ['parallelism', 'completions', 'backoffLimit'] as const) errors.push(...nonNegative(spec, key, `${field}.${key}`))
  const deadline = numberOf(spec.activeDeadlineSeconds)
  if (deadline !== undefined && deadline <= 0) errors.push({ type: 'Invalid', field: `${field}.activeDeadlineSeconds`, value: deadline, detail: 'must be greater than 0' })
  if (isKubeMap(spec.selector)) errors.push(...labelSelectorErrors(spec.selector, `${field}.selector`))
  const template = mapOf(spec.template)
  errors.push(...podTemplateErrors(template, `${field}.template`))
  const restart = stringOf(mapOf(template.spec).restartPolicy)
  if (restart === '') {
    errors.push({ type: 'Required', field: `${field}.template.spec.restartPolicy`, detail: 'valid values: "OnFailure", "Never"' })
  } else if (restart !== 'OnFailure' && restart !== 'Never') {
    errors.push({ type: 'NotSupported', field: `${field}.template.spec.restartPolicy`, value: restart, detail: supported(['OnFailure', 'Never']) })
  }
  return errors
}

/** A Job: its spec, and on update the template and selector, which are fixed once created. */
export function jobErrors(spec: KubeMap, live: KubeObject | undefined): FieldError[] {
  const errors = jobSpecErrors(spec, 'spec')
  if (live !== undefined && isKubeMap(live.spec)) {
    if (!deepEqual(live.spec.selector, spec.selector)) errors.push({ type: 'Invalid', field: 'spec.selector', shown: goLabelSelector(spec.selector), detail: 'field is immutable' })
    if (!deepEqual(live.spec.template, spec.template)) errors.push({ type: 'Invalid', field: 'spec.template', value: spec.template ?? null, detail: 'field is immutable' })
    if (!deepEqual(live.spec.completions, spec.completions)) errors.push({ type: 'Invalid', field: 'spec.completions', value: spec.completions ?? null, detail: 'field is immutable' })
  }
  return errors
}

const CONCURRENCY = ['Allow', 'Forbid', 'Replace']

/** A CronJob: name length (the Jobs it creates add 11 characters), schedule, policies and job template. */
export function cronJobErrors(object: KubeObject, spec: KubeMap): FieldError[] {
  const errors: FieldError[] = []
  const name = object.metadata.name
  if (name.length > 52) errors.push({ type: 'Invalid', field: 'metadata.name', value: name, detail: 'must be no more than 52 characters' })
  const schedule = stringOf(spec.schedule)
  if (schedule === '') errors.push({ type: 'Required', field: 'spec.schedule' })
  else {
    const problem = cronScheduleError(schedule)
    if (problem !== undefined) errors.push({ type: 'Invalid', field: 'spec.schedule', value: schedule, detail: problem })
    if (schedule.includes('TZ')) {
      const detail = spec.timeZone !== undefined && spec.timeZone !== null ? 'cannot use both timeZone field and TZ or CRON_TZ in schedule' : 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'
      errors.push({ type: 'Invalid', field: 'spec.schedule', value: schedule, detail })
    }
  }
  const concurrency = stringOf(spec.concurrencyPolicy)
  if (concurrency === '') errors.push({ type: 'Required', field: 'spec.concurrencyPolicy' })
  else if (!CONCURRENCY.includes(concurrency)) errors.push({ type: 'NotSupported', field: 'spec.concurrencyPolicy', value: concurrency, detail: supported(CONCURRENCY) })
  const deadline = numberOf(spec.startingDeadlineSeconds)
  if (deadline !== undefined && deadline < 0) errors.push({ type: 'Invalid', field: 'spec.startingDeadlineSeconds', value: deadline, detail: 'must be greater than or equal to 0' })
  errors.push(...nonNegative(spec, 'successfulJobsHistoryLimit', 'spec.successfulJobsHistoryLimit'), ...nonNegative(spec, 'failedJobsHistoryLimit', 'spec.failedJobsHistoryLimit'))
  const jobTemplate = mapOf(spec.jobTemplate)
  errors.push(...jobSpecErrors(mapOf(jobTemplate.spec), 'spec.jobTemplate.spec'))
  return errors
}
