// The strict check of a command's flags before node:util's parseArgs sees them: an unknown flag or
// a misused one is a usage error naming the flag, with a did-you-mean.
import type { ParseArgsConfig } from 'node:util'
import { UsageError } from './errors.js'

type FlagSpec = NonNullable<ParseArgsConfig['options']>

/** What {@link knownFlags} returns. */
export interface Known {
  readonly long: Map<string, 'string' | 'boolean'>
  readonly short: Map<string, string>
}

/** The long flags of `options` with their types, and the short letters with their long names. */
export function knownFlags(options: FlagSpec): Known {
  const long = new Map<string, 'string' | 'boolean'>()
  const short = new Map<string, string>()
  for (const [name, spec] of Object.entries(options)) {
    long.set(name, spec.type)
    if (spec.short !== undefined) short.set(spec.short, name)
  }
  return { long, short }
}

/** The edit distance of two flag names, for did-you-mean. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const next = [i]
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    row = next
  }
  return row[b.length] ?? 0
}

/** The closest of `candidates` to `word`, when it is close enough to be a likely typo. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined
  let bestScore = Infinity
  for (const c of candidates) {
    const score = c.startsWith(word) || word.startsWith(c) ? Math.abs(c.length - word.length) * 0.5 : distance(word, c)
    if (score < bestScore) {
      best = c
      bestScore = score
    }
  }
  return best !== undefined && bestScore <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined
}

/**
 * Checks every flag of `argv` against `options` before node:util sees them, so that an unknown or
 * misused flag is a usage error naming the flag (with a did-you-mean), not node:util's text.
 */
export function checkFlags(argv: readonly string[], options: FlagSpec): void {
  const { long, short } = knownFlags(options)
  const unknown = (flag: string, guess: string | undefined): never => {
    throw new UsageError(`unknown flag ${flag}${guess === undefined ? '' : `; did you mean ${guess}?`}`, {
      code: 'CLI_UNKNOWN_FLAG',
      details: { flag, ...(guess === undefined ? {} : { suggestion: guess }) },
    })
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    if (arg === '--') return
    if (!arg.startsWith('-') || arg === '-') continue
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=')
      const name = arg.slice(2, eq < 0 ? undefined : eq)
      const type = long.get(name)
      if (type === undefined) {
        const guess = didYouMean(name, long.keys())
        unknown(`--${name}`, guess === undefined ? undefined : `--${guess}`)
      }
      if (type === 'boolean' && eq >= 0) {
        throw new UsageError(`--${name} takes no value, not ${arg.slice(eq + 1)}`, { code: 'CLI_FLAG_INVALID', details: { flag: `--${name}` } })
      }
      if (type === 'string' && eq < 0) {
        if (i + 1 >= argv.length) throw new UsageError(`--${name} needs a value`, { code: 'CLI_FLAG_INVALID', details: { flag: `--${name}` } })
        i++
      }
      continue
    }
    // Short flags: -o json, -ojson, -A, and booleans bundled (-Ah).
    for (let k = 1; k < arg.length; k++) {
      const letter = arg[k] ?? ''
      const name = short.get(letter)
      if (name === undefined) {
        // One letter is too little to guess from; a long flag spelled with one dash (-namespace) is not.
        const guess = arg.length > 2 && !arg.startsWith('--') ? didYouMean(arg.slice(1), long.keys()) : undefined
        unknown(arg.length > 2 && guess !== undefined ? arg : `-${letter}`, guess === undefined ? undefined : `--${guess}`)
        return
      }
      if (long.get(name) === 'string') {
        if (k === arg.length - 1) {
          if (i + 1 >= argv.length) throw new UsageError(`-${letter} (--${name}) needs a value`, { code: 'CLI_FLAG_INVALID', details: { flag: `--${name}` } })
          i++
        }
        break
      }
    }
  }
}
