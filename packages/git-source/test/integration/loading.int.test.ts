// What the built package loads: the no-change check is the common case of every reconcile, so it
// must not load isomorphic-git, semver, yaml or the pack code. A module resolve hook in a fresh node
// process records every module loaded through `import`.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRepository, startGitServer } from '../../src/testing.js'
import type { GitServer } from '../../src/testing.js'
import { tempDir } from '../helpers/workspace.js'

const dist = fileURLToPath(new URL('../../dist/index.js', import.meta.url))

let root: { path: string; remove: () => Promise<void> }
let server: GitServer
let url: string
let revision: string

beforeAll(async () => {
  root = await tempDir('loading')
  const repo = await createRepository(root.path, { name: 'fleet.git' })
  revision = `main@sha1:${await repo.commit({ 'app.yaml': 'v: 1\n' })}`
  await repo.tag('v1.0.0')
  server = await startGitServer({ root: root.path })
  url = `${server.url}/fleet.git`
  await writeFile(
    join(root.path, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs'
let log
export function initialize(data) { log = data.log }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context)
  appendFileSync(log, result.url + '\\n')
  return result
}
`,
  )
})

afterAll(async () => {
  await server.stop()
  await root.remove()
})

/** Runs `fetchSource(url, options)` from the built package in a fresh process; the modules it loaded. */
async function loadedBy(name: string, options: Record<string, unknown>, unchanged = options.lastRevision !== undefined): Promise<string[]> {
  const log = join(root.path, `${name}.log`)
  const script = join(root.path, `${name}.mjs`)
  await writeFile(
    script,
    `import { register } from 'node:module'
register(${JSON.stringify(new URL('hooks.mjs', `file://${root.path}/`).href)}, { data: { log: ${JSON.stringify(log)} } })
const { fetchSource } = await import(${JSON.stringify(dist)})
const result = await fetchSource(${JSON.stringify(url)}, ${JSON.stringify(options)})
process.stdout.write(String(result.unchanged))
`,
  )
  // Asynchronously: the git server runs in this process and must keep answering.
  const answer = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [script], { env: { ...process.env, NODE_OPTIONS: '' } }, (err, out) => {
      if (err === null) resolve(out)
      else reject(new Error(`the fetch in a fresh process failed: ${err.message}`))
    })
  })
  expect(answer).toBe(String(unchanged))
  return (await readFile(log, 'utf8')).split('\n').filter((line) => line !== '')
}

// core's semver entry (Masterminds/semver, Flux's reader) and npm's semver, which git-source no longer uses.
const heavy = (modules: readonly string[]): string[] => modules.filter((m) => /isomorphic-git|\/semver\/|\/core\/(?:dist|src)\/semver\.|fetchArtifact|semverTags/.test(m))

describe.skipIf(!existsSync(dist))('@gitops-sdk/git-source as built', () => {
  it('checks an unchanged branch without loading isomorphic-git, semver, yaml or the pack code', async () => {
    const loaded = await loadedBy('unchanged', { ref: { branch: 'main' }, lastRevision: revision })
    expect(heavy(loaded)).toEqual([])
    // core requires yaml on its first parse; an import of it at load time would show here.
    expect(loaded.filter((m) => m.includes('/yaml/'))).toEqual([])
    // An http:// remote needs no TLS.
    expect(loaded.filter((m) => m === 'node:https' || m === 'node:tls')).toEqual([])
  })

  it('answers from a cache dir and its checkout without loading them either', async () => {
    const options = { ref: { branch: 'main' }, cacheDir: join(root.path, 'cache'), dir: join(root.path, 'checkout'), ignore: '*.md\n' }
    await loadedBy('cache-fill', options, false)
    expect(heavy(await loadedBy('cache-unchanged', options, true))).toEqual([])
  })

  it('loads them when a pack is needed (the check above can fail), but never isomorphic-git', async () => {
    const loaded = heavy(await loadedBy('fetched', { ref: { semver: '>=1.0.0' } }))
    for (const part of ['/core/dist/semver.', 'fetchArtifact', 'semverTags']) expect(loaded.some((m) => m.includes(part))).toBe(true)
    // The pack request is made without it (its import cost more than indexing a thousand objects).
    expect(loaded.filter((m) => m.includes('isomorphic-git'))).toEqual([])
  })
})
