import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Artifact, FetchResult } from '../../src/index.js'

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
