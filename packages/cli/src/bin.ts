#!/usr/bin/env node
import { Module as nodeModule } from 'node:module'
import type * as V8 from 'node:v8'
import { cacheTag, codeCacheDir, useCodeCache } from './codeCache.js'
import { directStdout, lazyStderr } from './stdio.js'

// This file is built as a small CommonJS file (dist/bin.cjs, see tsup.config.ts) that loads the
// command from dist/main.cjs: Node loads CommonJS with less fixed cost than ES modules, which
// matters for a command that starts per invocation. Hence no top-level await below.
//
// Node >= 22.1 keeps V8's compiled code of every module loaded after this call on disk (in the OS
// temporary folder; NODE_DISABLE_COMPILE_CACHE=1 turns it off), so later runs skip most parsing and
// compiling. Node 20 has no such cache: there the command keeps its own, for its bundles only
// (codeCache.ts). That is why the command's code is in dist/main.cjs, loaded below, after this.
// `gitops build` runs each function of its YAML reader, its kustomize steps and its YAML writer hot
// for a fraction of a second, once: V8's optimising compiler then costs more than its code saves,
// most of it inlining callees into callers (measured on the 5.5 MB CRD tree of
// bench/crdTree.mjs: TurboFan was about 40% of the writer's CPU time, on its background threads).
// Without inlining, the whole build takes about a fifth less CPU and a tenth less wall time there
// and on the 1,000-object trees of the render bench (docs/benchmarks.md, crd-write), output the
// same. Set before any bundle is compiled, so that the code cache (whose data V8 checks against
// its flags) sees the same flags on every build. A Node without getBuiltinModule (before 20.16)
// keeps V8's defaults.
if (process.argv[2] === 'build') {
  try {
    const getBuiltin = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule
    const v8 = getBuiltin?.('node:v8') as typeof V8 | undefined
    v8?.setFlagsFromString('--no-turbo-inlining')
  } catch {
    // Only speed is at stake.
  }
}

try {
  const node = nodeModule as { enableCompileCache?: () => unknown }
  if (node.enableCompileCache !== undefined) node.enableCompileCache()
  else {
    const dir = codeCacheDir(process.env)
    if (dir !== undefined) useCodeCache(__dirname, dir, cacheTag(process.argv.slice(2)))
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
const stdout = directStdout()
const stderr = lazyStderr()
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
