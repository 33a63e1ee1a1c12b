// JSON for request bodies. Objects parsed by @gitops-sdk/core hold integers beyond 2^53 as bigint,
// which JSON.stringify refuses; they are written as plain JSON numbers, digit for digit.
import { randomUUID } from 'node:crypto'

/** Serialises an object to JSON, writing bigint values as exact JSON numbers. */
export function toJson(value: unknown): string {
  // Nearly every object holds no bigint: the plain stringify (several times faster than one with a
  // replacer) throws on the first bigint, and only then is the object written again with one.
  try {
    return JSON.stringify(value)
  } catch (err) {
    if (!(err instanceof TypeError)) throw err
  }
  let mark: string | undefined
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'bigint') return v
    // A fresh random marker per call, so no string in the object can be mistaken for one.
    mark ??= `bigint-${randomUUID()}:`
    return `${mark}${v.toString()}`
  })
  return mark === undefined ? text : text.replaceAll(new RegExp(`"${mark}(-?\\d+)"`, 'g'), '$1')
}
