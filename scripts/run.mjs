#!/usr/bin/env node
// Entry point of every root npm script. A fresh clone has only Node, npm and git, so this file uses
// nothing but Node's standard library: it finds the pnpm pinned in package.json (or fetches it with
// npx), installs the workspace from the lockfile when needed, then runs the task through turbo.
// Output of the set-up goes to stderr, so that `npm run -s gitops -- build DIR` keeps a clean stdout.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
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

function turbo(tasks, extra = []) {
  const bin = join(root, 'node_modules', '.bin', 'turbo')
  run(bin, ['run', ...tasks, '--output-logs=errors-only', ...extra])
}

const cli = join(root, 'packages', 'cli', 'dist', 'bin.js')

ensurePnpm()
install()
switch (task) {
  case 'test':
    // Build first and alone: lint, typecheck and the tests then share two cores without fighting
    // the bundler, and a build failure stops everything early.
    turbo(['build'])
    turbo(['lint', 'typecheck', 'test'], ['--concurrency=2', ...rest])
    break
  case 'build':
  case 'lint':
  case 'typecheck':
    turbo([task], rest)
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
