// Node's built-in modules without importing them, for the bin (bin.ts, codeCache.ts): an import
// would load each with dist/bin.cjs at every start, where process.getBuiltinModule (Node >= 20.16)
// loads one only when a command asks for it. Before 20.16 there is no such call: the answer is
// then undefined, and the caller does without.
import type * as Fs from 'node:fs'
import type * as V8 from 'node:v8'

const getBuiltinModule = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule

/** node:v8, loaded now if it is not yet; undefined before Node 20.16. */
export function builtin(id: 'node:v8'): typeof V8 | undefined
/** node:fs, loaded now if it is not yet; undefined before Node 20.16. */
export function builtin(id: 'node:fs'): typeof Fs | undefined
/** The built-in module `id` (`node:crypto`), loaded now if it is not yet; undefined before Node 20.16. */
export function builtin(id: string): unknown
export function builtin(id: string): unknown {
  return getBuiltinModule?.(id)
}
