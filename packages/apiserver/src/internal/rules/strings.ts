// The strings of a list field read from an object (`required`, `verbs`, `x-kubernetes-list-map-keys`):
// what is not a list reads as empty, entries that are not strings are left out.
import type { KubeValue } from '@gitops-sdk/core'

/** The string entries of `value` when it is a list, else none. */
export const strings = (value: KubeValue | undefined): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [])
