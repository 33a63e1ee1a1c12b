#!/usr/bin/env node
import { Module as nodeModule } from 'node:module'
import { builtin } from './builtins.js'
import { cacheTag, codeCacheDir, isPackageBuild, useCodeCache } from './codeCache.js'
import { type BlockingWriteGuard, directStderr, directStdout } from './stdio.js'
import { markShortRunTuning, SHORT_RUN_BUDGET } from './applyTuning.js'
import { chooseV8Tuning } from './v8Tuning.js'

// This file is built as a small CommonJS file (dist/bin.cjs, see tsup.config.ts) that loads the
// command from dist/main.cjs: Node loads CommonJS with less fixed cost than ES modules, which
// matters for a command that starts per invocation. Hence no top-level await below.
//
// Node >= 22.1 keeps V8's compiled code of every module loaded after this call on disk (in the OS
// temporary folder; NODE_DISABLE_COMPILE_CACHE=1 turns it off), so later runs skip most parsing and
// compiling. Node 20 has no such cache: there the command keeps its own, for its bundles only
// (codeCache.ts). That is why the command's code is in dist/main.cjs, loaded below, after this.
//
// V8's optimising compilers, by command (the table below). These commands run each function of
// their readers, renderers and writers hot for a fraction of a second, once: the optimising
// compiler then costs more than its code saves, on its background threads (CPU) and on the main
// thread (installing the code, deoptimising it again). Set before any bundle is compiled, so that
// the code caches (below) are made and read under the flags the command runs with
// (docs/benchmarks.md, crd-write and tmpl-flag):
// - `gitops build`: TurboFan without inlining (`--no-turbo-inlining`; measured on the 5.5 MB CRD
//   tree of bench/crdTree.mjs, TurboFan was about 40% of the writer's CPU time, most of it
//   inlining callees): about a fifth less CPU and a tenth less wall time there and on the 1,000-object
//   trees of the render bench. Without TurboFan at all the 1,000-object tree costs less still, but
//   the CRD tree's build is slower (wall +33%, CPU +8%), so build keeps TurboFan.
// - `gitops template`: on V8 11 (Node 20), TurboFan only for what runs long: sixteen times V8's
//   interrupt budget (`--interrupt-budget=1081344`, the bytecode a function runs before V8 counts
//   a tick towards optimising it; 16 x 67584). Measured on Node 20, interleaved: the 300- and
//   1,500-template charts of bench/helm.bench.mjs take the same CPU as without any optimising
//   compiler (`--max-opt=1`, the flag before: -35 to -40% against V8's defaults), while CPU-heavy
//   charts (bench/templateHeavy.bench.mjs: a loop of 100,000 with string functions, a toYaml of
//   3 MB of values) keep most of TurboFan's gain: +0 to +25% CPU against V8's defaults where
//   `--max-opt=1` took +84 to +136% (docs/benchmarks.md, v8-opt). Raising `--max-opt` at run time
//   instead was measured not to bring TurboFan back (V8 11 turned `--turbofan` off when
//   `--max-opt=1` was set), and no timer fires during a synchronous render. V8 12 and 13 (Node 22
//   to 24) were not measured with a larger budget (whether their tiering still follows the same
//   budget, or counts invocations instead, was not checked either): there template keeps
//   `--max-opt=1`.
// - `gitops fleet ...`: TurboFan without inlining. `--max-opt=1` saved more on 200 HelmReleases
//   (CPU -33% against -17%) but cost 25% more on 3,000; without inlining: -17%, -13% and -12% on
//   200, 1,000 and 3,000.
// - `gitops apply`: on V8 11, template's interrupt budget while the set is small. The flag saved
//   client CPU on 1,000 objects but cost more on a first apply of 5,000, so the command gives V8's
//   default budget back once it has read a set of more than 2,000 objects (applyTuning.ts), and
//   sets the raised one again when the process exits, before Node 20's code cache is written: V8
//   stamps cached data with the flags in effect when it is made, and the cache's files are named
//   by those the run started with (a mismatch was rejected, and rewritten, on every later run).
//   `gitops fetch` (seconds of pack decoding) gains nothing clear from either flag. Every other
//   command keeps V8's defaults.
// The user's choice wins: no flag is set when node's command line or NODE_OPTIONS names a flag
// that chooses V8's compiler tiers (`--max-opt`, `--no-opt`, `--jitless`, `--turbo-inlining`, ...:
// v8Tuning.ts), nor under GITOPS_V8_TUNING=off (any value but `on`). GITOPS_V8_TUNING_REPORT=1
// prints what was decided, and V8's cachedDataVersionTag() (a hash of V8's version and the flags
// in effect), on stderr.
// Code caches: Node >= 22.1 keeps its compile cache in a sub-directory named after V8's
// cachedDataVersionTag(), which includes these flags once set (as here, before
// enableCompileCache below), so each set of flags gets a cache of its own and no command
// overwrites another's entries. Except when NODE_COMPILE_CACHE is set: Node then enables its
// cache before this file runs, under V8's default flags, and a flagged command recompiles and
// rewrites the entries of the bundles it shares with other commands (speed only). Node 20's cache
// (codeCache.ts) is per command, and per set of flags: one command does not always run with the
// same flags (GITOPS_V8_TUNING=off, the user's tiering flags), so its file names hold V8's
// cachedDataVersionTag() as read after the flags below are set, and a tuned and an untuned run
// keep files of their own. A Node without getBuiltinModule (none that engines allows: it came in
// 20.16) would keep V8's defaults, and its runs share one file per command.
// node:v8 and node:fs are loaded only when a command needs them (builtins.ts).
const v8Major = Number(process.versions.v8.split('.')[0])
const APPLY_BUILTINS = ['node:stream', 'node:crypto', 'node:fs/promises', 'node:net', 'node:tls', 'node:http', 'node:https', 'node:perf_hooks']
const v8Flags = new Map<string, { flags: string; preload: readonly string[] }>([
  ['build', { flags: '--no-turbo-inlining', preload: [] }],
  ['template', { flags: v8Major === 11 ? SHORT_RUN_BUDGET : '--max-opt=1', preload: ['node:stream', 'node:crypto', 'node:fs/promises'] }],
  ['fleet', { flags: '--no-turbo-inlining', preload: ['node:stream', 'node:crypto', 'node:fs/promises'] }],
  // `gitops apply`: on V8 11, the same budget as template's while the set is small (applyTuning.ts);
  // it loads these built-ins on every run, and under the flag they cost about 16 ms more CPU.
  ...(v8Major === 11 ? ([['apply', { flags: SHORT_RUN_BUDGET, preload: APPLY_BUILTINS }]] as const) : []),
])
// V8 prints "Error: unrecognized flag" on stderr for a flag it does not know, which no catch can
// stop: the flags are set only on the V8 versions known to have them (Node 20 to 24: V8 11 to 13).
const knownV8 = v8Major <= 13
const tuning = knownV8 ? v8Flags.get(process.argv[2] ?? '') : undefined
const choice = tuning === undefined ? undefined : chooseV8Tuning(process.env, process.execArgv)
let applied = 'none'
if (tuning !== undefined && choice?.apply === true) {
  try {
    const v8 = builtin('node:v8')
    // V8 also rejects Node's own cached code of its built-in modules under other flags: the larger
    // built-ins a command always loads (`preload`) are loaded first, under the defaults, to keep it
    // (about 8 ms of CPU for a small chart's template).
    if (v8 !== undefined) for (const id of tuning.preload) builtin(id)
    v8?.setFlagsFromString(tuning.flags)
    if (v8 !== undefined) applied = tuning.flags
    if (v8 !== undefined && process.argv[2] === 'apply') markShortRunTuning()
  } catch {
    // Only speed is at stake.
  }
}
if (process.env.GITOPS_V8_TUNING_REPORT === '1') {
  // A diagnostic of the line above, for tests and for a user who wonders what ran; nothing in it
  // comes from the environment but a flag's name and value.
  try {
    const v8 = builtin('node:v8')
    const fs = builtin('node:fs')
    const why = choice === undefined ? (knownV8 ? 'no flags for this command' : `V8 ${v8Major} not known`) : choice.apply && applied === 'none' ? 'this Node cannot set them' : choice.reason
    fs?.writeSync(2, `gitops: V8 tuning ${applied} (${why}); cachedDataVersionTag ${v8?.cachedDataVersionTag() ?? 'unknown'}\n`)
  } catch {
    // A diagnostic only.
  }
}

try {
  const node = nodeModule as { enableCompileCache?: () => unknown }
  if (node.enableCompileCache !== undefined) node.enableCompileCache()
  else {
    const dir = codeCacheDir(process.env)
    // `gitops apply` also requires the apply and core packages' own builds (about 450 KB of
    // source): compiled from the cache too, they cost about 15-25 ms less CPU per run. (Not a file
    // with an `import()`, apply's index.cjs: that one needs Node's own loader, see codeCache.ts.)
    if (dir !== undefined) useCodeCache(__dirname, dir, { tag: cacheTag(process.argv.slice(2)), alsoCache: process.argv[2] === 'apply' ? isPackageBuild : undefined })
  }
} catch {
  // A cache that cannot be set up only costs speed.
}

// SIGINT/SIGTERM abort the running command: every request and read follows the signal, so the
// command ends promptly, then the process ends by that signal. A second signal exits at once.
const controller = new AbortController()
const codes = { SIGINT: 130, SIGTERM: 143 } as const
let received: keyof typeof codes | undefined
const stop = (name: keyof typeof codes): void => {
  if (received !== undefined) process.exit(codes[name])
  received = name
  controller.abort(new Error(`interrupted by ${name}`))
}
const onInt = (): void => stop('SIGINT')
const onTerm = (): void => stop('SIGTERM')
process.on('SIGINT', onInt)
process.on('SIGTERM', onTerm)

// `gitops build ...` and `gitops template ...` load a bundle with that command alone (buildMain.ts,
// templateMain.ts).
const command = process.argv[2]
const entry = command === 'build' ? import('./buildMain.js') : command === 'template' ? import('./templateMain.js') : import('./main.js')
// `build` and `template` write their output at the end (once per root for `build DIR...`): to a
// pipe or a socket, such a write blocks while the reader does not read, and no listener could run
// then. So the listeners are taken away for the time of each such write, and a signal arriving
// meanwhile ends the process by its default action: by the signal, as the listeners end it (above
// and below; nothing is left to clean up by then). A signal that the listeners already took is left
// to them. (A signal that Node caught but has not yet passed to the listener when the write starts,
// since the command has run without a pause since, is dropped with the listener, as the process.off
// below drops it: the command ends with 0, as it did before; should that write then block, the next
// signal ends it.)
let unhooked = false
const guard: BlockingWriteGuard | undefined =
  command === 'build' || command === 'template'
    ? {
        before: () => {
          if (received !== undefined || unhooked) return
          unhooked = true
          process.off('SIGINT', onInt)
          process.off('SIGTERM', onTerm)
        },
        after: () => {
          if (!unhooked) return
          unhooked = false
          process.on('SIGINT', onInt)
          process.on('SIGTERM', onTerm)
        },
      }
    : undefined
const stdout = directStdout(guard)
// build's and template's warnings go straight to fd 2 as well (stdio.ts), with the same guard.
const stderr = directStderr(guard)
void entry.then(async ({ main }) => {
  const code = await main(process.argv.slice(2), {
    // Not process.stdout/stderr themselves: creating those streams costs a few milliseconds (stdio.ts).
    stdout,
    stderr,
    env: process.env,
    signal: controller.signal,
  })
  process.off('SIGINT', onInt)
  process.off('SIGTERM', onTerm)
  if (received === undefined || code === 0) {
    // A command that treats the signal as its normal end (gitops apiserver) exits 0.
    process.exitCode = code
    // `gitops template` has nothing left to do once its output is written: when every byte went
    // straight to the file descriptor (stdio.ts), it ends here rather than letting V8 finish the
    // work it queued for later (an incremental garbage collection of the whole heap, tens of
    // milliseconds for the parse trees of a large chart). The 'exit' listeners still run.
    if (command === 'template' && received === undefined && !stdout.streamed && !stderr.streamed) process.exit(code)
  } else {
    // Interrupted: end by the signal itself, as Unix programs do after cleaning up (the shell then
    // shows 130 or 143). process.exit would wait for a read still parked in the thread pool (an
    // open() of a pipe nobody writes to) and never return.
    process.kill(process.pid, received)
  }
})
