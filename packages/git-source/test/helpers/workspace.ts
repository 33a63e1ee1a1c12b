import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import type { Artifact, FetchResult } from '../../src/index.js'
import { startGitServer } from '../../src/testing.js'
import type { GitServer } from '../../src/testing.js'

/** A temporary directory, removed by the returned function. */
export async function tempDir(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `gitops-git-source-${prefix}-`))
  return { path, remove: () => rm(path, { recursive: true, force: true }) }
}

/** Narrows a result to an artifact, failing the test otherwise. */
export function artifactOf(result: FetchResult): Artifact {
  if (result.unchanged) throw new Error(`expected an artifact, got unchanged ${result.revision}`)
  return result
}

/** Every file of an artifact as path → text. */
export async function filesOf(artifact: Artifact): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await artifact.fs.readdir(dir)) {
      const path = dir === '' ? entry.name : `${dir}/${entry.name}`
      if (entry.type === 'directory') await walk(path)
      else out[path] = new TextDecoder().decode(await artifact.fs.readFile(path))
    }
  }
  await walk('')
  return out
}

/** A served root for repositories, a work directory and a git server, for the tests of one file. */
export interface ServedWorkspace {
  readonly root: string
  readonly work: string
  readonly server: GitServer
}

/** Starts a git server over a temporary root before the file's tests and removes it all after. */
export function useServedWorkspace(prefix: string): ServedWorkspace {
  let root: Awaited<ReturnType<typeof tempDir>> | undefined
  let work: Awaited<ReturnType<typeof tempDir>> | undefined
  let server: GitServer | undefined
  beforeAll(async () => {
    root = await tempDir(prefix)
    work = await tempDir(`${prefix}-out`)
    server = await startGitServer({ root: root.path })
  })
  afterAll(async () => {
    await server?.stop()
    await root?.remove()
    await work?.remove()
  })
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the workspace is used outside of the tests')
    return value
  }
  return {
    get root() {
      return ready(root).path
    },
    get work() {
      return ready(work).path
    },
    get server() {
      return ready(server)
    },
  }
}

/** Every file under `dir` (relative paths with their SHA-256), or an empty map when it does not exist. */
export async function snapshotDir(dir: string): Promise<Map<string, string>> {
  const { createHash } = await import('node:crypto')
  const { lstat, readdir: list, readFile, readlink } = await import('node:fs/promises')
  const out = new Map<string, string>()
  const walk = async (rel: string): Promise<void> => {
    let names: string[]
    try {
      names = await list(join(dir, rel))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
      throw err
    }
    for (const name of names.sort()) {
      const path = rel === '' ? name : `${rel}/${name}`
      const stat = await lstat(join(dir, path))
      if (stat.isDirectory()) await walk(path)
      else if (stat.isSymbolicLink()) out.set(path, `-> ${await readlink(join(dir, path))}`)
      else out.set(path, createHash('sha256').update(await readFile(join(dir, path))).digest('hex'))
    }
  }
  await walk('')
  return out
}
