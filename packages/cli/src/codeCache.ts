// A V8 code cache for the gitops command's own bundles (dist/main.cjs, dist/sdk.cjs, ...), for
// Node versions without `module.enableCompileCache` (Node 20): what Node >= 22.1 does for every
// module, and the v8-compile-cache package did before it. Compiling the bundles' source is most of
// what `gitops build` costs above `node -e 0`; V8 can instead deserialize the code it compiled on
// an earlier run, functions that ran included, which skips both the parse and the lazy compiles.
//
// One cache file per bundle, command and set of V8 flags (`gitops build` and `gitops --help` run
// different code of dist/main.cjs: one file for both would hold only what the first command after
// an install ran, and the other would compile the rest at every start; and V8 rejects data made
// under other flags, so a tuned and an untuned run of one command, GITOPS_V8_TUNING=off or the
// user's own tiering flags, would otherwise reject and rewrite each other's file at every
// alternation): a key, then V8's cached data. The key names the bundle's file as it
// is now (device, inode, size, modification and change times in nanoseconds) and records that its
// source has no `import(` (see DYNAMIC_IMPORT): any write to the
// file changes its change time, so an edited bundle (a local patch, an upgrade in place) never
// runs code compiled from another source, and V8 itself rejects data of another V8 version, other
// flags or another source length. (Comparing the whole source instead read and encoded 550 KB
// more at every start.) A cache that is absent, unreadable, not the user's own (isTrustedCache:
// another user's file, or one others could have written), stale or rejected costs only the
// normal compile; it is then written again, atomically (temporary file, then rename), when the
// process ends with exit code 0, so that it holds every function this run compiled (a mistyped
// command, which exits 2, leaves no file behind). Every failure is ignored: a
// cache only ever costs or saves speed.
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { Module as nodeModule } from 'node:module'
import { basename, dirname, isAbsolute, join, resolve } from 'node:path'
import { Script } from 'node:vm'
import { builtin } from './builtins.js'

interface LoaderModule {
  filename: string
  paths: string[]
  exports: unknown
  require(id: string): unknown
  _compile: (this: LoaderModule, content: string, filename: string) => unknown
}
interface ModuleInternals {
  prototype: LoaderModule
  wrap(source: string): string
  _cache: Record<string, unknown>
  _extensions: Record<string, unknown>
  _resolveFilename(request: string, parent: LoaderModule, isMain: boolean, options?: { paths?: string[] }): string
}

const HEADER = 4

/**
 * An `import(` in a file's source (apply's of `@kubernetes/client-node`). Such a file is compiled
 * by Node's own loader, never through the cache: a script of node:vm has no callback for `import()`
 * unless given `importModuleDynamically`, and on Node 20 a script made from cached data loses even
 * that one (V8 drops the script's host-defined options), so its `import()` would reject with "A
 * dynamic import callback was not specified"; `vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER` also
 * prints an ExperimentalWarning. A match in a string or comment only costs the cache of that file.
 */
const DYNAMIC_IMPORT = /\bimport\s*\(/

/**
 * The last part of every cache entry's key: the source was found free of {@link DYNAMIC_IMPORT}
 * when the entry was written (no entry is written otherwise), so a file whose entry is found is not
 * scanned again.
 */
const NO_DYNAMIC_IMPORT = 'no-dynamic-import'

/** FNV-1a of a short string, in hex: tells apart cache files of bundles installed in several places. */
function fnv(text: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return (h >>> 0).toString(16)
}

/**
 * The directory of the cache: `$NODE_COMPILE_CACHE` (as Node 22 names its own), else
 * `$XDG_CACHE_HOME/gitops-sdk/v8` or `~/.cache/gitops-sdk/v8`; undefined when none is known or
 * `NODE_DISABLE_COMPILE_CACHE` is set (again as Node 22).
 */
export function codeCacheDir(env: NodeJS.ProcessEnv): string | undefined {
  if (env.NODE_DISABLE_COMPILE_CACHE !== undefined && env.NODE_DISABLE_COMPILE_CACHE !== '') return undefined
  if (env.NODE_COMPILE_CACHE !== undefined && env.NODE_COMPILE_CACHE !== '') return resolve(env.NODE_COMPILE_CACHE, 'gitops-sdk')
  const base = env.XDG_CACHE_HOME !== undefined && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : env.HOME !== undefined && isAbsolute(env.HOME) ? join(env.HOME, '.cache') : undefined
  return base === undefined ? undefined : join(base, 'gitops-sdk', 'v8')
}

/**
 * The command's part of a cache file's name: the first argument when it looks like a command
 * name (`build`, `version`), else `_` (`--help`, or flags before the command, which then share
 * one file).
 */
export function cacheTag(argv: readonly string[]): string {
  const first = argv[0]
  return first !== undefined && /^[a-z][a-z-]{0,31}$/.test(first) ? first : '_'
}

/** What names a cache file beside its bundle: see cacheFileName. */
export interface CacheFileParts {
  /** The command's part (cacheTag). */
  readonly tag: string
  /** Node's version and architecture (`v20.20.2-x64`). */
  readonly version: string
  /**
   * V8's `cachedDataVersionTag()` as it is after the command set its flags, a hash of V8's version
   * and every flag in effect; undefined where it cannot be read (without
   * `process.getBuiltinModule`, which every Node the package supports has, >= 20.19; such runs
   * would share one file).
   */
  readonly flagsTag: number | undefined
}

/** The path in `cacheDir` of the cache file of the bundle `filename` for the run `parts` describes. */
export function cacheFileName(cacheDir: string, filename: string, parts: CacheFileParts): string {
  const flags = parts.flagsTag === undefined ? 'v8' : (parts.flagsTag >>> 0).toString(16)
  return join(cacheDir, `${basename(filename, '.cjs')}-${parts.tag}-${parts.version}-${flags}-${fnv(filename)}`)
}

/**
 * Whether `filename` is one of the SDK's package builds: a `.cjs` file directly in the `dist`
 * folder of an installed `@gitops-sdk/<package>` (`…/@gitops-sdk/apply/dist/index.cjs`, nothing
 * between: not a third-party file installed under an SDK package,
 * `…/@gitops-sdk/core/node_modules/jsonpath-plus/dist/index.cjs`), or directly in a `dist` folder
 * outside any `node_modules` (the workspace's `packages/apply/dist/index.cjs`, core's
 * `dist/index.cjs` and its chunks). `gitops apply` requires the apply and core builds beside its
 * own bundles; other packages' files (which may use more of Node's `require` than the cache's
 * loader gives) are not.
 */
export function isPackageBuild(filename: string): boolean {
  if (/[\\/]@gitops-sdk[\\/][^\\/]+[\\/]dist[\\/][^\\/]+\.cjs$/.test(filename)) return true
  return /[\\/]dist[\\/][^\\/]+\.cjs$/.test(filename) && !/[\\/]node_modules[\\/]/.test(filename)
}

/** What {@link isTrustedCache} looks at of a cache file or of its directory (a `fs.Stats` has it). */
export interface OwnerAndMode {
  /** The owner's user id. */
  readonly uid: number
  /** The file's type and permission bits. */
  readonly mode: number
}

/**
 * Whether the cache file `file` in the directory `dir` may be used by the user `uid`: V8 runs what
 * cached data holds, so with a cache directory another user can write to (a shared
 * `NODE_COMPILE_CACHE`), only a file of the user's own, writable by no one else, in a directory
 * of the user's own that no one else can write to, is read; anything else is a cache miss. Always
 * true where there are no user ids (`process.getuid` is undefined: Windows).
 */
export function isTrustedCache(file: OwnerAndMode, dir: OwnerAndMode, uid: number | undefined): boolean {
  if (uid === undefined) return true
  return file.uid === uid && (file.mode & 0o022) === 0 && dir.uid === uid && (dir.mode & 0o022) === 0
}

/** Options of {@link useCodeCache}. */
export interface CodeCacheOptions {
  /** The command's part of the cache files' names (see cacheTag). */
  readonly tag: string
  /**
   * CommonJS files outside `bundleDir` that go through the cache too (by their full path), such
   * as {@link isPackageBuild} for a command that requires the SDK's package builds. A file that
   * starts with `#!` never does (wrapped as a function, it would not compile).
   */
  readonly alsoCache?: ((filename: string) => boolean) | undefined
}

/**
 * Makes every CommonJS file directly in `bundleDir` (and those `options.alsoCache` names) compile
 * through the code cache in `cacheDir`, in files of their own for the command `options.tag`.
 * Other modules load as Node loads them. Skipped where the cache would change what a user asked
 * for: source maps in stack traces (`--enable-source-maps`) and coverage (`NODE_V8_COVERAGE`).
 */
export function useCodeCache(bundleDir: string, cacheDir: string, options: CodeCacheOptions): void {
  if ((process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled === true || process.env.NODE_V8_COVERAGE !== undefined) return
  const Module = nodeModule as unknown as ModuleInternals
  const { tag, alsoCache } = options
  const original = Module.prototype._compile
  const pending: Array<{ script: Script; file: string; key: string }> = []
  const version = `${process.version}-${process.arch}`
  // Read here, after bin.ts set the command's V8 flags (if any): the tag of the flags in effect.
  // (node:v8 through builtins.ts: process.getBuiltinModule, which every supported Node has.)
  let flagsTag: number | undefined
  try {
    flagsTag = builtin('node:v8')?.cachedDataVersionTag()
  } catch {
    // One file for every set of flags then.
  }
  const uid = process.getuid?.()
  // The directory is looked at once, when the first file is read.
  let dirStats: OwnerAndMode | undefined
  const read = (file: string): Buffer => {
    dirStats ??= statSync(cacheDir)
    const fd = openSync(file, 'r')
    try {
      // The owner and mode of the file as opened, then its bytes through the same descriptor.
      if (!isTrustedCache(fstatSync(fd), dirStats, uid)) throw new Error(`${file}: not the user's own`)
      return readFileSync(fd)
    } finally {
      closeSync(fd)
    }
  }
  Module.prototype._compile = function compile(this: LoaderModule, content: string, filename: string): unknown {
    const eligible = filename.endsWith('.cjs') && (dirname(filename) === bundleDir || (alsoCache?.(filename) === true && !content.startsWith('#!')))
    if (!eligible) return original.call(this, content, filename)
    const file = cacheFileName(cacheDir, filename, { tag, version, flagsTag })
    let key: string | undefined
    let cachedData: Buffer | undefined
    try {
      const st = statSync(filename, { bigint: true })
      key = `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}:${content.length}:${NO_DYNAMIC_IMPORT}`
      const stored = read(file)
      const length = stored.readUInt32LE(0)
      if (HEADER + length < stored.length && stored.toString('latin1', HEADER, HEADER + length) === key) cachedData = stored.subarray(HEADER + length)
    } catch {
      // No cache yet, an unreadable one or one that is not the user's own: compiled as usual below.
    }
    // An entry is written only for source without DYNAMIC_IMPORT, and its key says so and names the
    // file as it is now (by its metadata, not its bytes): an entry found is that verdict, and only
    // source without one is scanned (about 0.2 ms per 300 KB bundle, at every start otherwise).
    if (cachedData === undefined && DYNAMIC_IMPORT.test(content)) return original.call(this, content, filename)
    // Source first, wrapped as Node wraps every CommonJS module, so lines and names in stack traces
    // are those of the normal load.
    const script = new Script(Module.wrap(content), { filename, cachedData })
    // V8 rejects data that was not made from this source (another length): the key matched, but the
    // file is not what the entry was written for, so the verdict is not taken either.
    if (cachedData !== undefined && script.cachedDataRejected === true && DYNAMIC_IMPORT.test(content)) return original.call(this, content, filename)
    if (key !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) pending.push({ script, file, key })
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown
    // What Node's own loader gives a module as `require` (this file is CommonJS: dist/bin.cjs).
    const moduleRequire = Object.assign((id: string) => this.require(id), {
      resolve: (request: string, options?: { paths?: string[] }) => Module._resolveFilename(request, this, false, options),
      main: require.main,
      cache: Module._cache,
      extensions: Module._extensions,
    })
    return wrapper.call(this.exports, this.exports, moduleRequire, this, filename, dirname(filename))
  }
  process.once('exit', (code) => {
    if (code !== 0) return
    // V8 stamps the data with the flags in effect now: a command that changed them since the start
    // (and did not set them back: applyTuning.ts does) would write data its file's next reader
    // rejects, so nothing is written then.
    try {
      if (flagsTag !== undefined && builtin('node:v8')?.cachedDataVersionTag() !== flagsTag) return
    } catch {
      return
    }
    for (const { script, file, key } of pending) {
      try {
        const data = script.createCachedData()
        const header = Buffer.alloc(HEADER)
        header.writeUInt32LE(key.length, 0)
        mkdirSync(cacheDir, { recursive: true, mode: 0o700 })
        const temporary = `${file}.${process.pid}.tmp`
        try {
          writeFileSync(temporary, Buffer.concat([header, Buffer.from(key, 'latin1'), data]), { mode: 0o600 })
          renameSync(temporary, file)
        } finally {
          rmSync(temporary, { force: true })
        }
      } catch {
        // A cache that cannot be written only costs speed on the next run.
      }
    }
  })
}
