// Request bodies of the objects an apply stage sends twice (its server-side dry-run, then its
// write): serialised once, so the write sends the very text the dry-run validated and a first
// apply of a thousand objects pays one JSON.stringify per object instead of two.
import { toJson } from './json.js'

const pinned = new WeakSet<object>()
const texts = new WeakMap<object, string>()

/** Marks `objects` so that their body is serialised on first use and reused until {@link unpinBodies}. */
export function pinBodies(objects: readonly object[]): void {
  for (const o of objects) pinned.add(o)
}

/** Forgets the bodies of `objects`: a later request serialises them again (the caller may have changed them). */
export function unpinBodies(objects: readonly object[]): void {
  for (const o of objects) {
    pinned.delete(o)
    texts.delete(o)
  }
}

/** The JSON body of `object`: the pinned text when it is pinned, else serialised now. */
export function bodyOf(object: object): string {
  if (!pinned.has(object)) return toJson(object)
  let text = texts.get(object)
  if (text === undefined) texts.set(object, (text = toJson(object)))
  return text
}
