// `.sourceignore` matching with the semantics of Flux (fluxcd/pkg/sourceignore, which uses go-git's
// gitignore matcher): patterns are tried from the last to the first and the first that matches
// decides; a pattern applies below the directory of the file it came from; `dir/` matches files
// under dir; segments match like Go's filepath.Match. Flux checks every file on its own, so a later
// `!pattern` can bring back a file inside an excluded directory (unlike git).
// https://github.com/fluxcd/pkg/tree/main/sourceignore
import { trimCharRun } from '@gitops-sdk/core/light'
import { CHUNK, chunkedGlob, namesTest, pushChar } from './longPatterns.js'
import { starGlob } from './starGlob.js'
import type { NameTest } from './starGlob.js'

/** Exclusions of every artifact: version control files. */
export const vcsPatterns: readonly string[] = ['.git/', '.gitignore', '.gitmodules', '.gitattributes']

/** Flux's default exclusions when no `.sourceignore` and no `ignore` option exist. */
export const defaultPatterns: readonly string[] = [
  '*.jpg', '*.jpeg', '*.gif', '*.png', '*.wmv', '*.flv', '*.tar.gz', '*.zip',
  '.github/', '.circleci/', '.travis.yml', '.gitlab-ci.yml', 'appveyor.yml', '.drone.yml', 'cloudbuild.yaml',
  'codeship-services.yml', 'codeship-steps.yml',
  '**/.goreleaser.yml', '**/.sops.yaml', '**/.flux.yaml',
]

/** One parsed pattern. */
export interface IgnorePattern {
  readonly domain: readonly string[]
  readonly segments: readonly (Segment | '**' | '' | null)[]
  readonly inclusion: boolean
  readonly dirOnly: boolean
  readonly glob: boolean
}

/** Tests one path segment. */
export interface Segment {
  test(name: string): boolean
  /** Set when the segment is a plain name: it matches that name only. */
  readonly exact?: string | undefined
  /** Set when the segment is `*` and a plain suffix: it matches names ending with it. */
  readonly suffix?: string | undefined
}

// Go's filepath.Match for one path segment; null for a malformed pattern (which never matches, as
// go-git treats filepath.ErrBadPattern). A plain name or `*suffix` (most patterns, Flux's defaults
// included) is a string comparison; the rest a RegExp, or for a long pattern several (see
// chunkedGlob).
function segmentRegExp(pattern: string): Segment | null {
  if (!/[*?[\\]/.test(pattern)) return { test: (name) => name === pattern, exact: pattern }
  if (pattern.startsWith('*') && !/[*?[\\]/.test(pattern.slice(1))) {
    const suffix = pattern.slice(1)
    return { test: (name) => name.endsWith(suffix), suffix }
  }
  // The RegExp's source between stars, piece by piece (see starGlob.ts), one source per character
  // matched: each matches exactly one code point.
  const pieces: string[][] = []
  let out: string[] = []
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string
    if (c === '*') {
      pieces.push(out)
      out = []
    } else if (c === '?') out.push('[^/]')
    else if (c === '\\') {
      i++
      if (i >= pattern.length) return null
      pushChar(out, escape(pattern[i] as string))
    } else if (c === '[') {
      let j = i + 1
      let cls = '['
      if (pattern[j] === '^') {
        cls += '^'
        j++
      }
      let first = true
      for (;;) {
        const d = pattern[j]
        if (d === undefined) return null
        if (d === ']' && !first) break
        first = false
        if (d === '\\') {
          j++
          const e = pattern[j]
          if (e === undefined) return null
          cls += escape(e)
        } else cls += d === '-' ? '-' : escape(d)
        j++
      }
      out.push(`${cls}]`)
      i = j
    } else pushChar(out, escape(c))
  }
  pieces.push(out)
  if (pieces.reduce((n, p) => n + p.length, 0) > CHUNK) {
    const test = chunkedGlob(pieces)
    return test === undefined ? null : { test }
  }
  let whole: RegExp
  try {
    whole = new RegExp(`^${pieces.map((p) => p.join('')).join('[^/]*')}$`, 'u')
    // V8 compiles on the first run: a failure there is a bad pattern too, not a throw at match time.
    whole.test('')
  } catch {
    return null
  }
  // One star backtracks at most once per character; more are matched without backtracking.
  return pieces.length <= 2 ? whole : { test: starGlob(pieces.map((p) => p.join('')), whole, SLASH) }
}

const SLASH = /\//

function escape(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')
}

/** Parses one pattern line (without the comment and blank-line filtering of {@link readPatterns}). */
export function parsePattern(line: string, domain: readonly string[]): IgnorePattern {
  let p = line
  let inclusion = false
  if (p.startsWith('!')) {
    inclusion = true
    p = p.slice(1)
  }
  // Trailing spaces go, unless the last one is escaped.
  if (!p.endsWith('\\ ')) p = trimCharRun(p, ' ', 'end')
  let dirOnly = false
  if (p.endsWith('/')) {
    dirOnly = true
    p = p.slice(0, -1)
  }
  const glob = p.includes('/')
  // In a path pattern go-git treats `**` alone as any directories and rejects it next to other
  // characters; in a plain name it is just two stars.
  const parts = p.split('/')
  const segments = glob
    ? parts.map((s) => (s === '**' ? '**' : s === '' ? '' : s.includes('**') ? null : segmentRegExp(s)))
    : parts.map((s) => segmentRegExp(s))
  return { domain: [...domain], segments, inclusion, dirOnly, glob }
}

/** Reads the patterns of a `.sourceignore` text: every line except blank ones and `#` comments. */
export function readPatterns(text: string, domain: readonly string[]): IgnorePattern[] {
  return text
    .split(/\r?\n/)
    .filter((line) => !line.startsWith('#') && line.trim() !== '')
    .map((line) => parsePattern(line, domain))
}

// The matchers read `path` from the end of the pattern's domain on rather than from a slice of it:
// every file of the artifact meets every pattern, so copies per test add up.
function nameMatch(p: IgnorePattern, path: readonly string[], isDir: boolean): boolean {
  const re = p.segments[0]
  if (re === undefined || re === null || typeof re === 'string') return false
  for (let i = p.domain.length; i < path.length; i++) {
    if (!re.test(path[i] as string)) continue
    return !(p.dirOnly && !isDir && i === path.length - 1)
  }
  return false
}

function globMatch(p: IgnorePattern, path: readonly string[], isDir: boolean): boolean {
  let at = p.domain.length
  let matched = false
  let traverse = false
  for (let i = 0; i < p.segments.length; i++) {
    const seg = p.segments[i]
    if (seg === '') {
      traverse = false
      continue
    }
    if (seg === '**') {
      if (i === p.segments.length - 1) break
      traverse = true
      continue
    }
    if (seg === null || seg === undefined) return false
    if (at >= path.length) return false
    if (traverse) {
      traverse = false
      while (at < path.length) {
        const e = path[at] as string
        at++
        if (seg.test(e)) {
          matched = true
          break
        } else if (at >= path.length) matched = false
      }
    } else {
      if (!seg.test(path[at] as string)) return false
      matched = true
      at++
    }
  }
  if (matched && p.dirOnly && !isDir && at >= path.length) matched = false
  return matched
}

function matchOne(p: IgnorePattern, path: readonly string[], isDir: boolean): 'none' | 'exclude' | 'include' {
  if (path.length <= p.domain.length) return 'none'
  for (let i = 0; i < p.domain.length; i++) if (path[i] !== p.domain[i]) return 'none'
  const hit = p.glob ? globMatch(p, path, isDir) : nameMatch(p, path, isDir)
  if (!hit) return 'none'
  return p.inclusion ? 'include' : 'exclude'
}

/** A matcher over patterns in increasing priority: tells whether a path is excluded. */
export type IgnoreMatcher = (path: string, isDir: boolean) => boolean

/** The verdict of `patterns` on one path, tested whole pattern by pattern (what {@link createMatcher} answers). */
export function excludedWhole(patterns: readonly IgnorePattern[], path: string, isDir: boolean): boolean {
  const segments = path.split('/')
  for (let i = patterns.length - 1; i >= 0; i--) {
    const result = matchOne(patterns[i] as IgnorePattern, segments, isDir)
    if (result !== 'none') return result === 'exclude'
  }
  return false
}

// What a name pattern says of the directory part of a path: it cannot apply (outside its domain,
// or malformed), a directory segment matches, or only the last segment is left to test.
const cannot = -1
const noDirHit = 0
const dirHit = 1

function dirState(p: IgnorePattern, dir: readonly string[]): number {
  const re = p.segments[0]
  if (re === undefined || re === null || typeof re === 'string') return cannot
  if (dir.length < p.domain.length) return cannot
  for (let i = 0; i < p.domain.length; i++) if (dir[i] !== p.domain[i]) return cannot
  for (let i = p.domain.length; i < dir.length; i++) if (re.test(dir[i] as string)) return dirHit
  return noDirHit
}

// `**/name` (one segment after a leading `**`, as three of Flux's defaults) matches exactly where
// the name pattern `name` does: any segment from the domain on, a dir-only one not on the file's
// own name. Taken as one, it is worked out once per directory instead of once per path.
function asNamePattern(p: IgnorePattern): IgnorePattern {
  const [first, name] = p.segments
  if (!p.glob || p.segments.length !== 2 || first !== '**' || name === undefined || name === null || typeof name === 'string') return p
  return { ...p, segments: [name], glob: false }
}

/**
 * Builds a matcher: the last pattern that matches decides. What name patterns say of a path's
 * directories is worked out once per directory and reused while the paths asked about stay in it
 * (they come grouped by directory from a tree walk): the answers are those of testing each path
 * whole, pattern by pattern.
 */
export function createMatcher(given: readonly IgnorePattern[]): IgnoreMatcher {
  const patterns = given.map(asNamePattern)
  let lastDir: string | undefined
  let dirSegments: string[] = []
  // This directory's plans for files and for directories (made on first use).
  let forFiles: DirPlan | undefined
  let forDirs: DirPlan | undefined
  let key = ''
  const states = new Int8Array(patterns.length)
  // Plans by the directory states they were made for: most directories share one.
  const plans = new Map<string, DirPlan>()
  const planOf = (isDir: boolean): DirPlan => {
    const planKey = `${isDir ? 'd' : 'f'}${key}`
    const plan = plans.get(planKey) ?? planFor(patterns, states, isDir)
    plans.set(planKey, plan)
    return plan
  }
  return (path, isDir) => {
    const slash = path.lastIndexOf('/')
    const dir = slash < 0 ? '' : path.slice(0, slash)
    const name = path.slice(slash + 1)
    if (dir !== lastDir) {
      lastDir = dir
      dirSegments = dir === '' ? [] : dir.split('/')
      for (let i = 0; i < patterns.length; i++) {
        const p = patterns[i] as IgnorePattern
        if (!p.glob) states[i] = dirState(p, dirSegments)
      }
      key = states.join(',')
      forFiles = undefined
      forDirs = undefined
    }
    const plan = isDir ? (forDirs ??= planOf(true)) : (forFiles ??= planOf(false))
    let segments: string[] | undefined
    for (const step of plan.steps) {
      if (step.names !== undefined) {
        if (step.names(name)) return step.excludes
        continue
      }
      const p = step.pattern as IgnorePattern
      if (p.glob) {
        segments ??= [...dirSegments, name]
        const result = matchOne(p, segments, isDir)
        if (result !== 'none') return result === 'exclude'
        continue
      }
      if ((p.segments[0] as Segment).test(name) && !(p.dirOnly && !isDir)) return !p.inclusion
    }
    return plan.fallback
  }
}

/** One test of a {@link DirPlan}: a pattern, or plain names and suffixes of the same verdict as one test. */
interface PlanStep {
  readonly pattern: IgnorePattern | undefined
  readonly names: NameTest | undefined
  readonly excludes: boolean
}

/** What the patterns still have to test on the names of files in one directory, highest priority first. */
interface DirPlan {
  readonly steps: readonly PlanStep[]
  /** The verdict when no step matches: that of a name pattern matching a directory segment, if any. */
  readonly fallback: boolean
}

// The steps for a directory whose name patterns are in `states`. Patterns are tried from the last:
// a name pattern that cannot apply is left out, one that matches a directory segment decides for
// every file not decided before it, and a run of plain-name and suffix patterns with the same
// verdict (and not dir-only) is one step, one test per file (Flux's defaults are all such),
// since which of them matches first does not change the verdict. For files, a dir-only name
// pattern that matches no directory segment cannot decide, and is left out too.
function planFor(patterns: readonly IgnorePattern[], states: Int8Array, isDir: boolean): DirPlan {
  const steps: PlanStep[] = []
  let run: { excludes: boolean; exacts: string[]; suffixes: string[] } | undefined
  const endRun = (): void => {
    if (run === undefined) return
    steps.push({ pattern: undefined, names: namesTest(run.exacts, run.suffixes), excludes: run.excludes })
    run = undefined
  }
  for (let i = patterns.length - 1; i >= 0; i--) {
    const p = patterns[i] as IgnorePattern
    if (!p.glob) {
      const state = states[i] as number
      if (state === cannot) continue
      if (state === dirHit) {
        endRun()
        return { steps, fallback: !p.inclusion }
      }
      if (p.dirOnly && !isDir) continue
      const { exact, suffix } = p.segments[0] as Segment
      if (!p.dirOnly && (exact !== undefined || suffix !== undefined)) {
        if (run !== undefined && run.excludes !== !p.inclusion) endRun()
        run ??= { excludes: !p.inclusion, exacts: [], suffixes: [] }
        if (exact !== undefined) run.exacts.push(exact)
        else run.suffixes.push(suffix as string)
        continue
      }
    }
    endRun()
    steps.push({ pattern: p, names: undefined, excludes: !p.inclusion })
  }
  endRun()
  return { steps, fallback: false }
}


/**
 * The artifact filter of source-controller: VCS exclusions plus the given patterns, or plus
 * Flux's defaults when there are no patterns at all (no `.sourceignore` and no `ignore`).
 */
export function sourceIgnoreMatcher(patterns: readonly IgnorePattern[]): IgnoreMatcher {
  const base = vcsPatterns.map((p) => parsePattern(p, []))
  if (patterns.length === 0) return createMatcher([...base, ...defaultPatterns.map((p) => parsePattern(p, []))])
  return createMatcher([...base, ...patterns])
}
