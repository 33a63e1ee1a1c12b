#!/usr/bin/env node
// Entry point of every root npm script. A fresh clone has only Node, npm and git, so this file uses
// nothing but Node's standard library: it finds the pnpm pinned in package.json (or fetches it with
// npx), installs the workspace from the lockfile when needed, then runs the task through turbo.
// Output of the set-up goes to stderr, so that `npm run -s gitops -- build DIR` keeps a clean stdout.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const pnpmVersion = String(manifest.packageManager).replace(/^pnpm@/, '')
const env = {
  ...process.env,
  TURBO_TELEMETRY_DISABLED: '1',
  TURBO_NO_UPDATE_NOTIFIER: '1',
  DO_NOT_TRACK: '1',
  COREPACK_ENABLE_DOWNLOAD_PROMPT: '0',
}

const [task = 'test', ...rest] = process.argv.slice(2)

function run(command, args, { stdout = 'stderr', allowFail = false } = {}) {
  const result = spawnSync(command, args, {
    cwd: root,
    env,
    stdio: ['inherit', stdout === 'stderr' ? process.stderr : 'inherit', 'inherit'],
  })
  if (result.error) {
    process.stderr.write(`gitops-sdk: cannot run ${command}: ${result.error.message}\n`)
    process.exit(2)
  }
  if (result.status !== 0 && !allowFail) process.exit(result.status ?? 2)
  return result.status ?? 2
}

function quiet(command, args) {
  const result = spawnSync(command, args, { cwd: root, env, encoding: 'utf8' })
  return result.status === 0 ? result.stdout.trim() : undefined
}

/**
 * Makes the pinned pnpm callable as `pnpm`: one already on PATH at that version, else the one
 * `npx` fetches, linked into a directory put first on PATH (turbo runs package scripts through
 * `pnpm` and must find it there).
 */
function ensurePnpm() {
  if (quiet('pnpm', ['--version']) === pnpmVersion) return
  const shimDir = join(root, 'node_modules', '.gitops-sdk-bin')
  const shim = join(shimDir, 'pnpm')
  env.PATH = `${shimDir}:${env.PATH ?? ''}`
  if (existsSync(shim) && quiet(shim, ['--version']) === pnpmVersion) return
  process.stderr.write(`gitops-sdk: fetching pnpm ${pnpmVersion} with npx\n`)
  const found = quiet('npx', ['-y', '-p', `pnpm@${pnpmVersion}`, '-c', 'command -v pnpm'])
  if (found === undefined || found === '') {
    process.stderr.write(`gitops-sdk: cannot fetch pnpm ${pnpmVersion} with npx\n`)
    process.exit(2)
  }
  mkdirSync(shimDir, { recursive: true })
  rmSync(shim, { force: true })
  symlinkSync(found.split('\n').pop(), shim)
}

/** Installs from the lockfile unless node_modules already holds exactly that lockfile. */
function install() {
  const lock = join(root, 'pnpm-lock.yaml')
  const installed = join(root, 'node_modules', '.pnpm', 'lock.yaml')
  if (existsSync(lock) && existsSync(installed) && readFileSync(lock, 'utf8') === readFileSync(installed, 'utf8')) {
    return
  }
  run('pnpm', ['install', existsSync(lock) ? '--frozen-lockfile' : '--no-frozen-lockfile'])
}

function turbo(tasks, extra = [], options = {}) {
  const bin = join(root, 'node_modules', '.bin', 'turbo')
  const args = ['run', ...tasks, '--output-logs=errors-only', ...extra]
  return options.async === true ? start(bin, args) : run(bin, args, options)
}

/** The folders of the workspace packages, from pnpm-workspace.yaml (`dir` or `dir/*` entries). */
function workspaceDirs() {
  const globs = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8')
    .split('\n')
    .map((line) => /^\s+-\s+['"]?([^'"\s]+)['"]?\s*$/.exec(line)?.[1])
    .filter((glob) => glob !== undefined)
  return globs
    .flatMap((glob) => {
      if (!glob.endsWith('/*')) return [join(root, glob)]
      const parent = join(root, glob.slice(0, -2))
      return existsSync(parent) ? readdirSync(parent).sort().map((name) => join(parent, name)) : []
    })
    .filter((dir) => existsSync(join(dir, 'package.json')))
}

// Every package's vitest writes its results here (through the arguments below) beside its usual
// output; turbo keeps the file as the task's output, so a cached run reports the same numbers.
const REPORT = join('.vitest', 'report.json')
const VITEST_ARGS = ['--', '--reporter=default', '--reporter=json', `--outputFile.json=${REPORT}`]

/**
 * Prints each package's test counts and, last and alone on its line, the sum over all packages:
 * `N passed, N failed, N skipped` (CI reads that line). A package whose tests did not report is
 * named; a test file that failed to load counts as one failed test.
 */
function summarizeTests() {
  const total = { passed: 0, failed: 0, skipped: 0 }
  const lines = []
  let missing = 0
  for (const dir of workspaceDirs()) {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    if (typeof manifest.scripts?.test !== 'string') continue
    const file = join(dir, REPORT)
    if (!existsSync(file)) {
      missing++
      lines.push(`${manifest.name}: no test report (its tests did not run; see above)`)
      continue
    }
    const report = JSON.parse(readFileSync(file, 'utf8'))
    const files = report.testResults ?? []
    const brokenFiles = files.filter((f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed')).length
    const counts = {
      passed: report.numPassedTests ?? 0,
      failed: (report.numFailedTests ?? 0) + brokenFiles,
      skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
    }
    for (const key of Object.keys(total)) total[key] += counts[key]
    const failedFiles = files.filter((f) => f.status === 'failed').length
    lines.push(
      `${manifest.name}: ${files.length} test file${files.length === 1 ? "" : "s"}${failedFiles > 0 ? ` (${failedFiles} failed)` : ''}, ` +
        `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`,
    )
  }
  const width = Math.max(...lines.map((line) => line.indexOf(':')))
  process.stdout.write(`\nTests\n${lines.map((line) => `  ${line.slice(0, line.indexOf(':') + 1).padEnd(width + 1)}${line.slice(line.indexOf(':') + 1)}`).join('\n')}\n`)
  process.stdout.write(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`)
  return total.failed === 0 && missing === 0
}

/** Removes every package's previous test report, so a package that does not run reports nothing. */
function clearTestReports() {
  for (const dir of workspaceDirs()) rmSync(join(dir, REPORT), { force: true })
}

/** Runs `command` like `run`, without waiting: resolves to its exit status. */
function start(command, args, extraEnv = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env: { ...env, ...extraEnv }, stdio: ['ignore', process.stderr, 'inherit'] })
    child.on('error', (error) => {
      process.stderr.write(`gitops-sdk: cannot run ${command}: ${error.message}\n`)
      resolve(2)
    })
    child.on('close', (code) => resolve(code ?? 2))
  })
}

/**
 * Lints and/or typechecks the workspace (`tasks`: 'lint', 'typecheck'). The packages resolve each
 * other to their TypeScript sources, so checking them one by one would type core's sources once for
 * every package that imports it: one program over every package's src and test
 * (tsconfig.workspace.json) checks each file once, about five times less work. ESLint and tsc run
 * side by side (each uses one core); the examples, which have their own compiler options, go through
 * turbo after tsc. Resolves to 0 when everything is clean.
 */
async function checkWorkspace(tasks, extra = []) {
  const bin = (name) => join(root, 'node_modules', '.bin', name)
  const runs = []
  if (tasks.includes('lint')) {
    runs.push(start(bin('eslint'), ['packages', 'testing'], { GITOPS_LINT_WORKSPACE: '1' }))
  }
  runs.push(
    (async () => {
      let status = 0
      if (tasks.includes('typecheck')) status = await start(bin('tsc'), ['-p', 'tsconfig.workspace.json'])
      const examples = turbo(tasks, ['--filter=./examples', '--filter=./examples/*', '--concurrency=1', '--continue=always', ...extra], { allowFail: true, async: true })
      return Math.max(status, await examples)
    })(),
  )
  return Math.max(...(await Promise.all(runs)))
}

const cli = join(root, 'packages', 'cli', 'dist', 'bin.js')

ensurePnpm()
install()
switch (task) {
  case 'test': {
    // Build first and alone: lint, typecheck and the tests then share two cores without fighting
    // the bundler, and a build failure stops everything early. After that every step runs even
    // when an earlier one failed, so one run shows every failure and how many tests ran. The tests
    // run in a turbo run of their own because the reporter arguments go to every task of a run.
    turbo(['build'])
    const failed = []
    if ((await checkWorkspace(['lint', 'typecheck'], rest)) !== 0) failed.push('lint or typecheck')
    if (run(process.execPath, [join(root, 'scripts', 'docs.mjs'), '--check'], { allowFail: true }) !== 0) failed.push('API reference (docs)')
    clearTestReports()
    // `--only`: the build above is complete, and the reporter arguments would change the build
    // tasks' hashes, so turbo would build every package again while other packages' tests read
    // their dist/ (a build empties dist/ first).
    if (turbo(['test'], ['--only', '--concurrency=2', '--continue=always', ...rest, ...VITEST_ARGS], { allowFail: true }) !== 0) failed.push('tests')
    if (failed.length > 0) process.stderr.write(`\ngitops-sdk: failed: ${failed.join(', ')} (output above)\n`)
    const passed = summarizeTests()
    process.exit(failed.length === 0 && passed ? 0 : 1)
  }
  case 'test-summary':
    // The summary of the last `test` run, from the reports it left.
    process.exit(summarizeTests() ? 0 : 1)
  case 'build':
    turbo([task], rest)
    break
  case 'lint':
  case 'typecheck':
    turbo(['build'])
    process.exit(await checkWorkspace([task], rest))
  case 'docs':
    turbo(['build'])
    run(process.execPath, [join(root, 'scripts', 'docs.mjs'), ...rest])
    break
  case 'bench':
    turbo(['build'])
    run(process.execPath, [join(root, 'bench', 'run.mjs'), ...rest], { stdout: 'inherit' })
    break
  case 'demo':
    turbo(['build'], ['--filter=@gitops-sdk/demo...'])
    run(process.execPath, [join(root, 'examples', 'demo', 'dist', 'main.js'), ...rest], { stdout: 'inherit' })
    break
  case 'gitops':
    turbo(['build'], ['--filter=@gitops-sdk/cli...'])
    process.exit(run(process.execPath, [cli, ...rest], { stdout: 'inherit', allowFail: true }))
    break
  default:
    process.stderr.write(`gitops-sdk: unknown task ${task}\n`)
    process.exit(2)
}
