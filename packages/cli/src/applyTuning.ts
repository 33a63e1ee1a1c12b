// V8's optimising compiler for `gitops apply`, by the size of the set (bin.ts explains the flags
// of the other commands). A first apply of 1,000 objects runs each function of the client (the
// request writer, the answer parser, the planner, the YAML reader) hot for well under a second,
// once: TurboFan then compiles about 90 functions on its background threads, about a fifth of the
// process's CPU (perf, docs/benchmarks.md "apply-first", eighth session), and where the API server
// shares the cores that CPU is taken from the server too. On V8 11 (Node 20) bin.ts starts the
// command with sixteen times V8's interrupt budget (the bytecode a function runs before V8 counts
// a tick towards optimising it), as for `gitops template`: only what runs long is optimised. A
// large set is the other case: at 5,000 objects that flag cost more CPU than it saved (the main
// thread runs unoptimised code for longer than the compiles took), so once the set is read and
// has more than LONG_APPLY objects, V8's default budget comes back for the rest of the run (V8
// reads the budget each time it refills a function's, so the change takes effect within a tick).
import { builtin } from './builtins.js'

/** The most objects for which `gitops apply` keeps the raised interrupt budget. */
export const LONG_APPLY = 2000
/** The interrupt budget bin.ts starts `gitops apply` with on V8 11: 16 × V8 11's default. */
export const SHORT_RUN_BUDGET = '--interrupt-budget=1081344'
/** V8 11's default interrupt budget (`node --v8-options`). */
const DEFAULT_BUDGET = '--interrupt-budget=67584'
/**
 * Where bin.ts notes that it set SHORT_RUN_BUDGET: bin.cjs and the command's bundle share no module
 * state, and only a budget bin.ts raised is given back (not one a program that embeds the command
 * set, nor one the user chose).
 */
const MARK = Symbol.for('@gitops-sdk/cli.shortRunBudget')

/** Notes that bin.ts set SHORT_RUN_BUDGET for this run. */
export function markShortRunTuning(): void {
  Reflect.set(globalThis, MARK, true)
}

/**
 * Gives a set of more than LONG_APPLY objects V8's default interrupt budget back where bin.ts
 * raised it for this run (markShortRunTuning). Returns the flag set, or undefined. Only speed is at
 * stake: a failure to set it is ignored.
 */
export function endShortRunTuning(objects: number): string | undefined {
  if (objects <= LONG_APPLY || Reflect.get(globalThis, MARK) !== true) return undefined
  try {
    const v8 = builtin('node:v8')
    if (v8 === undefined) return undefined
    v8.setFlagsFromString(DEFAULT_BUDGET)
    Reflect.deleteProperty(globalThis, MARK)
    // Node 20's code cache (codeCache.ts) names its files by V8's cachedDataVersionTag() as read at
    // start, under SHORT_RUN_BUDGET, and writes them when the process exits: V8 stamps that data
    // with the flags in effect then, and rejects it on a later run under other flags. So the
    // short-run budget comes back before any other 'exit' listener runs (the cache's was added
    // at start), and the data matches its file's name (nothing runs long after 'exit').
    process.prependOnceListener('exit', () => {
      try {
        v8.setFlagsFromString(SHORT_RUN_BUDGET)
      } catch {
        // The cache then skips its write (codeCache.ts).
      }
    })
    return DEFAULT_BUDGET
  } catch {
    return undefined
  }
}
