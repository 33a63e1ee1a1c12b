// Own-property access for maps decoded from requests. A key such as `__proto__`, `constructor` or
// `prototype` in a request body, patch, selector or fieldsV1 set is data, as it is to kube-apiserver
// (Go maps have no prototype): reads must not follow inherited properties (`obj.constructor` is
// `Object`, `obj.__proto__` is `Object.prototype`) and writes must not call the `__proto__` setter.
// Every walk over user-controlled keys goes through these helpers.

/** Key segments that reach a prototype when a walk follows inherited properties. */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype'])

/** Tells whether `map` has `key` as its own property. */
export function hasOwn(map: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(map, key)
}

/** The own property `key` of `map`, or undefined; never an inherited one. */
export function getOwn<T>(map: { readonly [key: string]: T }, key: string): T | undefined {
  return hasOwn(map, key) ? map[key] : undefined
}

/** Sets `key` on `map` as a plain data property, also when it is `__proto__` (core's setter). */
export { setOwn } from '@gitops-sdk/core'
