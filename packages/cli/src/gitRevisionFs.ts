// One revision of a local git repository as an in-memory FileSystem, read with git's plumbing
// (ls-tree, cat-file --batch): nothing in the repository or its work tree is written.
import { spawn } from 'node:child_process'
import { memoryFs } from '@gitops-sdk/core'
import type { MemoryFileSystem } from '@gitops-sdk/core'
import { UsageError } from './errors.js'

/** The most a revision may hold, in bytes of file content. */
const MAX_BYTES = 512 * 1024 * 1024

function git(dir: string, args: readonly string[], options: { input?: string; signal: AbortSignal }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // stdin is a pipe only when there is input: git commands that read none exit without draining
    // it, and a write to their closed pipe fails with EPIPE.
    const child = spawn('git', ['-C', dir, ...args], { stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], signal: options.signal, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } })
    const out: Buffer[] = []
    let size = 0
    let err = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BYTES) child.kill()
      else out.push(chunk)
    })
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')))
    child.on('error', reject)
    child.on('close', (code) => {
      if (size > MAX_BYTES) reject(new UsageError(`${dir}: the revision holds more than ${MAX_BYTES} bytes`, { code: 'CLI_FLAG_INVALID', details: { path: dir } }))
      else if (code === 0) resolve(Buffer.concat(out))
      else reject(new Error(err.trim().split('\n').pop() ?? `git exited with ${code}`))
    })
    if (child.stdin !== null) {
      // An early exit (a bad object id) closes the pipe: the exit code and stderr tell why.
      child.stdin.on('error', () => undefined)
      child.stdin.end(options.input)
    }
  })
}

/**
 * The files of `rev` in the repository at `dir` (regular and executable files; symlinks and
 * submodules are left out, as a fetched artifact leaves out links that may point anywhere).
 *
 * @throws UsageError `CLI_FLAG_INVALID` naming the revision when git does not know it.
 */
export async function gitRevisionFs(dir: string, rev: string, signal: AbortSignal): Promise<MemoryFileSystem> {
  let commit: string
  try {
    commit = (await git(dir, ['rev-parse', '--verify', '--end-of-options', `${rev}^{commit}`], { signal })).toString('utf8').trim()
  } catch (err) {
    if (signal.aborted) throw signal.reason
    throw new UsageError(`${rev}: not a revision of the repository at ${dir}`, { code: 'CLI_FLAG_INVALID', details: { revision: rev }, cause: err })
  }
  const listing = (await git(dir, ['ls-tree', '-r', '-z', '--full-tree', commit], { signal })).toString('utf8')
  const blobs: { oid: string; path: string }[] = []
  for (const entry of listing.split('\0')) {
    const tab = entry.indexOf('\t')
    if (tab < 0) continue
    const [mode, type, oid] = entry.slice(0, tab).split(' ')
    if (type === 'blob' && (mode === '100644' || mode === '100755') && oid !== undefined) blobs.push({ oid, path: entry.slice(tab + 1) })
  }
  const batch = await git(dir, ['cat-file', '--batch'], { input: blobs.map((b) => `${b.oid}\n`).join(''), signal })
  const files: Record<string, Uint8Array> = {}
  let at = 0
  for (const blob of blobs) {
    const newline = batch.indexOf(0x0a, at)
    const size = Number(batch.subarray(at, newline).toString('latin1').split(' ')[2])
    files[blob.path] = batch.subarray(newline + 1, newline + 1 + size)
    at = newline + 1 + size + 1
  }
  return memoryFs(files)
}
