// Whether the gitops command may set its V8 flags (bin.ts's table) for this run. Two things stop
// it: the user's own choice of V8's compiler tiers, on node's command line or in NODE_OPTIONS,
// which the command never overrides, and GITOPS_V8_TUNING=off (any value but `on` or empty).
// Kept apart from bin.ts, which runs it, so that the rules have tests of their own.

/**
 * The names (without `--` and `no-`, `_` read as `-`) of the V8 flags that choose which compilers
 * run and when: any of them on node's command line or in NODE_OPTIONS is the user's choice.
 */
const tieringNames = new Set([
  'jitless',
  'lite-mode',
  'opt',
  'max-opt',
  'turbofan',
  'maglev',
  'sparkplug',
  'interrupt-budget',
  'ticks-before-optimization',
  'bytecode-size-allowance-per-tick',
  'max-optimized-bytecode-size',
  'efficiency-mode',
  'optimize-for-size',
  'concurrent-recompilation',
  'baseline-batch-compilation',
  'use-osr',
  'concurrent-osr',
  'concurrent-sparkplug',
  'lazy-feedback-allocation',
  'max-bytecode-size-for-early-opt',
])
/**
 * The same for families of flags, by the start of their names (checked against
 * `node --v8-options` of Node 20, V8 11). `always-` is wider than tiering: it also takes V8 flags
 * such as `--always-use-string-forwarding-table` (or `--always-compact` of later V8s), which then
 * only keep V8's defaults for that run, the side that cannot change output.
 */
const tieringPrefixes = [
  'turbo-',
  'maglev-',
  'sparkplug-',
  'always-',
  'interrupt-budget-',
  'invocation-count-for-',
  'max-inlined-',
  'concurrent-recompilation-',
  'concurrent-sparkplug-',
  'minimum-invocations-',
]

function isTiering(name: string): boolean {
  return tieringNames.has(name) || tieringPrefixes.some((prefix) => name.startsWith(prefix))
}

/**
 * `arg` without its leading and trailing double quotes, by index: the RegExp `/^"+|"+$/g` it replaces
 * tried `"+$` from every quote of a run that does not end the token, quadratic in a token such as
 * `--title=x""…""x` (node accepts it on its command line and in NODE_OPTIONS): 100 KB of quotes cost
 * 7 s of CPU before the command started. (core's `trimCharRun` does the same, but bin.cjs loads no
 * package before it has set the flags: importing it here would load `@gitops-sdk/core/light` at start.)
 */
function trimQuotes(arg: string): string {
  let start = 0
  let end = arg.length
  while (start < end && arg.charCodeAt(start) === 0x22) start++
  while (end > start && arg.charCodeAt(end - 1) === 0x22) end--
  return start === 0 && end === arg.length ? arg : arg.slice(start, end)
}

/**
 * The first V8 flag among `args` that chooses V8's compiler tiers (`--max-opt=4`, `--no-opt`,
 * `--jitless`, `--turbo-inlining`, `--maglev`, `--interrupt-budget=…`, in either spelling,
 * `--max_opt` as `--max-opt`, and with V8's single dash, `-max-opt=4`, which node also accepts on
 * its command line), as written; undefined when there is none.
 */
export function tieringFlag(args: readonly string[]): string | undefined {
  for (const arg of args) {
    // NODE_OPTIONS may quote a value ("--max-opt=4"); a token that is no flag is skipped.
    const token = trimQuotes(arg)
    // V8 reads `-max-opt=4` as `--max-opt=4`, and node passes it on to V8.
    const dashes = token.startsWith('--') ? 2 : token.startsWith('-') ? 1 : 0
    if (dashes === 0) continue
    const name = (token.slice(dashes).split('=', 1)[0] ?? '').replace(/_/g, '-')
    // V8 reads `--no-opt` and `--noopt` alike.
    if (isTiering(name) || (name.startsWith('no-') && isTiering(name.slice(3))) || (name.startsWith('no') && isTiering(name.slice(2)))) return token
  }
  return undefined
}

/** What the command does about its V8 flags in this run, and why. */
export interface V8TuningChoice {
  /** Set the command's flags (`true`), or keep what node and the user set. */
  readonly apply: boolean
  /** Why, in words fit for a diagnostic line (never a value of the environment beyond the flag named). */
  readonly reason: string
}

/**
 * Decides whether the command sets its V8 flags: not when `GITOPS_V8_TUNING` is set to anything
 * but `on` (`off` is the documented value; an unknown value also keeps V8's defaults, the side
 * that cannot change a run), nor when node's command line (`execArgv`) or `NODE_OPTIONS` names a
 * flag that chooses V8's compiler tiers (tieringFlag).
 */
export function chooseV8Tuning(env: NodeJS.ProcessEnv, execArgv: readonly string[]): V8TuningChoice {
  const setting = env.GITOPS_V8_TUNING
  if (setting !== undefined && setting !== '' && setting !== 'on') {
    return { apply: false, reason: setting === 'off' ? 'GITOPS_V8_TUNING=off' : 'GITOPS_V8_TUNING is neither on nor off' }
  }
  const onCommandLine = tieringFlag(execArgv)
  if (onCommandLine !== undefined) return { apply: false, reason: `node's command line sets ${onCommandLine}` }
  const inOptions = tieringFlag((env.NODE_OPTIONS ?? '').split(/\s+/))
  if (inOptions !== undefined) return { apply: false, reason: `NODE_OPTIONS sets ${inOptions}` }
  return { apply: true, reason: 'default' }
}
