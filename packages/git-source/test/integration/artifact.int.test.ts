import { createHash } from 'node:crypto'
import { lstat, mkdir, readdir, readFile, readlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { memoryFs } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { fetchSource } from '../../src/index.js'
import { createRepository } from '../../src/testing.js'
import type { TestRepository } from '../../src/testing.js'
import { artifactOf, filesOf, useServedWorkspace } from '../helpers/workspace.js'

const ws = useServedWorkspace('artifact')

async function repoWith(name: string, files: Parameters<TestRepository['commit']>[0]): Promise<{ repo: TestRepository; url: string }> {
  const repo = await createRepository(ws.root, { name })
  await repo.commit(files)
  return { repo, url: `${ws.server.url}/${name}` }
}

/** Every file under `dir` as path → text (symlinks as `-> target`). */
async function diskFiles(dir: string, rel = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const entry of await readdir(join(dir, rel), { withFileTypes: true })) {
    const path = rel === '' ? entry.name : `${rel}/${entry.name}`
    if (entry.isSymbolicLink()) out[path] = `-> ${await readlink(join(dir, path))}`
    else if (entry.isDirectory()) Object.assign(out, await diskFiles(dir, path))
    else out[path] = await readFile(join(dir, path), 'utf8')
  }
  return out
}

describe('fetchSource artifact', () => {
  it('reads files straight from git objects and checks out the same files', async () => {
    const { url } = await repoWith('plain.git', {
      'kustomization.yaml': 'resources: [apps]\n',
      'apps/web.yaml': 'kind: Deployment\n',
      'apps/run.sh': { content: '#!/bin/sh\n', mode: 0o755 },
      'apps/deep/nested/cm.yaml': 'kind: ConfigMap\n',
    })
    const dir = join(ws.work, 'plain')
    const artifact = artifactOf(await fetchSource(url, { dir }))
    expect(artifact.path).toBe(dir)
    expect(artifact.files).toBe(4)
    expect(await filesOf(artifact)).toEqual(await diskFiles(dir))
    expect(await artifact.fs.readdir('apps')).toEqual([
      { name: 'deep', type: 'directory' },
      { name: 'run.sh', type: 'file' },
      { name: 'web.yaml', type: 'file' },
    ])
    expect(await artifact.fs.stat('apps/run.sh')).toEqual({ type: 'file', size: 10, mode: 0o755 })
    expect((await lstat(join(dir, 'apps/run.sh'))).mode & 0o777).toBe(0o755)
    await expect(artifact.fs.readFile('apps')).rejects.toMatchObject({ code: 'CORE_FS_NOT_A_FILE' })
    await expect(artifact.fs.readFile('nope.yaml')).rejects.toMatchObject({ code: 'CORE_FS_NOT_FOUND' })
    await expect(artifact.fs.readFile('../etc/passwd')).rejects.toMatchObject({ code: 'CORE_FS_PATH_ESCAPES_ROOT' })
  })

  it('computes the documented digest, the same for every fetch of a commit', async () => {
    const { url } = await repoWith('digest.git', { 'b.yaml': 'b\n', 'a/x.yaml': 'x\n', 'run.sh': { content: 'echo\n', mode: 0o755 } })
    const first = artifactOf(await fetchSource(url))
    const cached = artifactOf(await fetchSource(url, { cacheDir: join(ws.work, 'digest-cache') }))
    const full = artifactOf(await fetchSource(url, { depth: 0, dir: join(ws.work, 'digest-out') }))
    expect(cached.digest).toBe(first.digest)
    expect(full.digest).toBe(first.digest)
    const record = (mode: string, path: string, content: string): string =>
      `${mode} ${path}\0${createHash('sha256').update(content).digest('hex')}\n`
    const expected = createHash('sha256')
      .update(record('100644', 'a/x.yaml', 'x\n') + record('100644', 'b.yaml', 'b\n') + record('100755', 'run.sh', 'echo\n'))
      .digest('hex')
    expect(first.digest).toBe(`sha256:${expected}`)
    const ignored = artifactOf(await fetchSource(url, { ignore: 'b.yaml' }))
    expect(ignored.digest).not.toBe(first.digest)
  })

  it('applies Flux default exclusions when there is no .sourceignore', async () => {
    const { url } = await repoWith('defaults.git', {
      'app.yaml': 'a\n',
      '.github/workflows/ci.yml': 'on: push\n',
      '.gitlab-ci.yml': 'x\n',
      '.gitignore': 'tmp\n',
      'docs/logo.png': 'png',
      'apps/.sops.yaml': 'creation_rules: []\n',
      'charts/chart.tar.gz': 'gz',
    })
    expect(Object.keys(await filesOf(artifactOf(await fetchSource(url))))).toEqual(['app.yaml'])
  })

  it('follows .sourceignore files (nested ones apply below their directory) and the ignore option', async () => {
    const { url } = await repoWith('sourceignore.git', {
      '.sourceignore': '# docs are not deployed\n*.md\n/scratch/\n',
      'README.md': 'readme\n',
      'app.yaml': 'a\n',
      'logo.png': 'png',
      'scratch/tmp.yaml': 't\n',
      'apps/.sourceignore': 'secret.yaml\n',
      'apps/secret.yaml': 's\n',
      'apps/web.yaml': 'w\n',
      'secret.yaml': 'root\n',
      '.github/ci.yml': 'c\n',
    })
    const paths = Object.keys(await filesOf(artifactOf(await fetchSource(url))))
    // A .sourceignore replaces Flux's defaults except the VCS ones: logo.png and .github stay.
    expect(paths).toEqual(['.github/ci.yml', '.sourceignore', 'app.yaml', 'apps/.sourceignore', 'apps/web.yaml', 'logo.png', 'secret.yaml'])
    const withOption = Object.keys(await filesOf(artifactOf(await fetchSource(url, { ignore: '!apps/secret.yaml\n*.png\n' }))))
    expect(withOption).toContain('apps/secret.yaml')
    expect(withOption).not.toContain('logo.png')
  })

  it('includes other artifacts at toPath, then applies the ignore rules to the whole', async () => {
    const lib = await repoWith('lib.git', { 'deploy/base.yaml': 'base\n', 'deploy/notes.md': 'n\n', 'other.yaml': 'o\n' })
    const app = await repoWith('app.git', { 'app.yaml': 'a\n', '.sourceignore': '*.md\n', 'vendor/lib/stale.yaml': 'old\n' })
    const libArtifact = artifactOf(await fetchSource(lib.url))
    const artifact = artifactOf(
      await fetchSource(app.url, {
        include: [
          { artifact: libArtifact, fromPath: 'deploy', toPath: 'vendor/lib' },
          { artifact: { fs: memoryFs({ 'generated.yaml': 'g\n' }) }, toPath: 'gen' },
        ],
        dir: join(ws.work, 'include'),
      }),
    )
    expect(await filesOf(artifact)).toEqual({
      '.sourceignore': '*.md\n',
      'app.yaml': 'a\n',
      'gen/generated.yaml': 'g\n',
      'vendor/lib/base.yaml': 'base\n',
      'vendor/lib/stale.yaml': 'old\n',
    })
    expect(await diskFiles(join(ws.work, 'include'))).toEqual(await filesOf(artifact))
  })

  it('keeps symlinks that stay inside and leaves out those that lead outside', async () => {
    const warnings: unknown[] = []
    const logger = { debug: () => undefined, info: () => undefined, error: () => undefined, warn: (_m: string, f?: unknown) => warnings.push(f) }
    const { url } = await repoWith('links.git', {
      'a.yaml': 'a\n',
      'inside': { symlink: 'a.yaml' },
      'dir/up': { symlink: '../a.yaml' },
      'dir/root': { symlink: '..' },
      'escape': { symlink: '../../../etc/passwd' },
      'absolute': { symlink: '/etc/passwd' },
      'sneaky': { symlink: 'dir/root/..' },
    })
    const dir = join(ws.work, 'links')
    const artifact = artifactOf(await fetchSource(url, { dir, logger }))
    expect(Object.keys(await diskFiles(dir)).sort()).toEqual(['a.yaml', 'dir/root', 'dir/up', 'inside'])
    expect(await readlink(join(dir, 'dir/up'))).toBe('../a.yaml')
    expect(new TextDecoder().decode(await artifact.fs.readFile('dir/up'))).toBe('a\n')
    expect(new TextDecoder().decode(await artifact.fs.readFile('dir/root/dir/root/a.yaml'))).toBe('a\n')
    await expect(artifact.fs.readFile('dir/../../etc/passwd')).rejects.toMatchObject({ code: 'CORE_FS_PATH_ESCAPES_ROOT' })
    expect(await artifact.fs.stat('escape')).toBeUndefined()
    expect(warnings).toEqual([
      { path: 'absolute', target: '/etc/passwd' },
      { path: 'escape', target: '../../../etc/passwd' },
      { path: 'sneaky', target: 'dir/root/..' },
    ])
    // Reported in the result too, each naming its path.
    expect(artifact.warnings).toEqual([
      { type: 'symlink-outside', path: 'absolute', message: 'absolute: left out, a symlink to "/etc/passwd" that leads outside the artifact' },
      { type: 'symlink-outside', path: 'escape', message: 'escape: left out, a symlink to "../../../etc/passwd" that leads outside the artifact' },
      { type: 'symlink-outside', path: 'sneaky', message: 'sneaky: left out, a symlink to "dir/root/.." that leads outside the artifact' },
    ])
  })

  it('refuses a tree with a .. or .git entry, writing nothing', async () => {
    const repo = await createRepository(ws.root, { name: 'hostile.git' })
    const blob = (await repo.git(['hash-object', '-w', '--stdin'], 'pwned\n')).trim()
    const rawTree = (name: string): Buffer => Buffer.concat([Buffer.from(`100644 ${name}\0`), Buffer.from(blob, 'hex')])
    for (const [name, entry] of [['dotdot', '..'], ['dotgit', '.GIT']] as const) {
      const tree = (await repo.git(['hash-object', '-t', 'tree', '-w', '--literally', '--stdin'], rawTree(entry))).trim()
      const commit = (await repo.git(['commit-tree', tree, '-m', 'hostile'])).trim()
      await repo.setBranch(name, commit)
      const dir = join(ws.work, `hostile-${name}`)
      await expect(fetchSource(`${ws.server.url}/hostile.git`, { ref: { branch: name }, dir })).rejects.toMatchObject({ code: 'GIT_UNSAFE_PATH' })
      await expect(lstat(dir)).rejects.toMatchObject({ code: 'ENOENT' })
    }
  })

  it('fails over the size limit before touching the checkout directory', async () => {
    const { url } = await repoWith('big.git', { 'a.yaml': 'x'.repeat(1000), 'b.yaml': 'y'.repeat(1000) })
    const dir = join(ws.work, 'big')
    await mkdir(dir)
    await writeFile(join(dir, 'keep.txt'), 'previous checkout\n')
    await expect(fetchSource(url, { dir, maxSize: 1500 })).rejects.toMatchObject({
      code: 'GIT_SIZE_LIMIT_EXCEEDED',
      message: `${url}: the artifact holds 2000 bytes in 2 files, more than the limit of 1500`,
    })
    expect(await diskFiles(dir)).toEqual({ 'keep.txt': 'previous checkout\n' })
    const ok = artifactOf(await fetchSource(url, { dir, maxSize: 2000 }))
    expect(ok.size).toBe(2000)
    expect(Object.keys(await diskFiles(dir))).toEqual(['a.yaml', 'b.yaml'])
  })

  it('reports progress through every phase', async () => {
    const { url } = await repoWith('progress.git', { 'a.yaml': 'a\n' })
    const phases = new Set<string>()
    await fetchSource(url, { dir: join(ws.work, 'progress'), onProgress: (e) => phases.add(e.phase) })
    expect([...phases]).toEqual(['refs', 'receiving', 'resolving', 'checkout'])
  })
})
