// Node's built-in modules without importing them, for the bin (bin.ts, codeCache.ts): an import
// would load each with dist/bin.cjs at every start, where process.getBuiltinModule loads one only
// when a command asks for it. Every Node the package supports has it (engines: >= 20.19; it came
// in 20.16); should it be missing all the same, the answer is undefined and the caller does
// without.
import type * as Fs from 'node:fs'
import type * as V8 from 'node:v8'

const getBuiltinModule = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule

/** node:v8, loaded now if it is not yet; undefined without process.getBuiltinModule. */
export function builtin(id: 'node:v8'): typeof V8 | undefined
/** node:fs, loaded now if it is not yet; undefined without process.getBuiltinModule. */
export function builtin(id: 'node:fs'): typeof Fs | undefined
/** The built-in module `id` (`node:crypto`), loaded now if it is not yet; undefined without process.getBuiltinModule. */
export function builtin(id: string): unknown
export function builtin(id: string): unknown {
  return getBuiltinModule?.(id)
}
