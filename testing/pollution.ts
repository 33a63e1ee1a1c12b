// The prototype-pollution corpus every package runs against its entry points: keys and documents
// that would reach Object.prototype (or a constructor's prototype) through a walk that follows
// inherited properties. A test feeds each payload to an entry point, expects either a typed error or
// a result that holds the key as plain data, and then checks that no prototype changed.

/** Key segments that reach a prototype when a walk follows inherited properties. */
export const pollutingKeys: readonly string[] = ['__proto__', 'constructor', 'prototype']

/** The property every payload tries to plant; `assertNoPollution` looks for it. */
export const plantedProperty = 'gitopsPolluted'

/** JSON-pointer paths (RFC 6901) that a JSON patch walk would follow into a prototype. */
export const pollutingPointers: readonly string[] = [
  `/__proto__/${plantedProperty}`,
  `/constructor/prototype/${plantedProperty}`,
  `/metadata/__proto__/${plantedProperty}`,
  `/metadata/labels/__proto__/${plantedProperty}`,
  `/spec/constructor/prototype/${plantedProperty}`,
]

/** Dotted field paths (kustomize field specs, replacements) that would reach a prototype. */
export const pollutingFieldPaths: readonly string[] = [
  `__proto__.${plantedProperty}`,
  `constructor.prototype.${plantedProperty}`,
  `metadata.__proto__.${plantedProperty}`,
  `metadata.annotations.__proto__.${plantedProperty}`,
]

/** JSON documents whose maps carry polluting keys (for merge patches, SSA bodies, SOPS trees). */
export const pollutingJson: readonly string[] = [
  `{"__proto__":{"${plantedProperty}":"yes"}}`,
  `{"metadata":{"__proto__":{"${plantedProperty}":"yes"}}}`,
  `{"constructor":{"prototype":{"${plantedProperty}":"yes"}}}`,
  `{"metadata":{"labels":{"__proto__":{"${plantedProperty}":"yes"}}}}`,
]

/** YAML documents whose maps carry polluting keys (for kustomizations, resources, SOPS files). */
export const pollutingYaml: readonly string[] = [
  `__proto__:\n  ${plantedProperty}: "yes"\n`,
  `metadata:\n  __proto__:\n    ${plantedProperty}: "yes"\n`,
  `constructor:\n  prototype:\n    ${plantedProperty}: "yes"\n`,
  `a: &x\n  ${plantedProperty}: "yes"\n__proto__: *x\n`,
  `<<: {__proto__: {${plantedProperty}: "yes"}}\n`,
]

/** Every prototype a successful pollution would reach. */
const prototypes: readonly object[] = [Object.prototype, Array.prototype, Function.prototype, String.prototype]

/**
 * Throws when any built-in prototype gained the planted property (or any other own property since
 * `snapshot` was taken), and removes what was planted so one failure does not spill into other tests.
 */
export function assertNoPollution(snapshot: PrototypeSnapshot = initialSnapshot): void {
  const planted: string[] = []
  prototypes.forEach((proto, i) => {
    for (const key of Reflect.ownKeys(proto)) {
      if (typeof key === 'string' && !snapshot[i]?.has(key)) {
        planted.push(key)
        Reflect.deleteProperty(proto, key)
      }
    }
  })
  if (planted.length > 0) throw new Error(`a prototype was polluted with: ${planted.join(', ')}`)
}

/** The own keys of every built-in prototype at one moment. */
export type PrototypeSnapshot = readonly ReadonlySet<string>[]

/** Takes a snapshot of the built-in prototypes' own keys, for `assertNoPollution`. */
export function snapshotPrototypes(): PrototypeSnapshot {
  return prototypes.map((proto) => new Set(Reflect.ownKeys(proto).filter((k): k is string => typeof k === 'string')))
}

const initialSnapshot: PrototypeSnapshot = snapshotPrototypes()
