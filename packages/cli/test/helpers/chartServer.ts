// For the helm suites: a Helm HTTP repository on 127.0.0.1 serving the chart `hello` 0.3.1 (the
// helm package's small test chart: one ConfigMap with `greeting`), and a writer of fixture trees.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { chartArchive, indexYaml, sha256, startChartRepository } from '../../../helm/test/helpers/chartRepository.js'
import type { ChartRepositoryServer } from '../../../helm/test/helpers/chartRepository.js'

/** The repository and the archive it serves as `hello-0.3.1.tgz`. */
export interface HelloChartRepository {
  readonly repo: ChartRepositoryServer
  readonly archive: Buffer
}

/** Starts a repository whose index lists `hello` 0.3.1 (with its digest) and serves its archive. */
export async function serveHelloChart(): Promise<HelloChartRepository> {
  const archive = chartArchive('hello', '0.3.1')
  const repo = await startChartRepository()
  repo.routes.set('/index.yaml', { body: indexYaml({ hello: [{ version: '0.3.1', url: 'hello-0.3.1.tgz', digest: sha256(archive) }] }) })
  repo.routes.set('/hello-0.3.1.tgz', { body: archive })
  return { repo, archive }
}

/** Writes `files` (path → text) under `root`, making their folders. */
export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
}
