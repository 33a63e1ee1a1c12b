// The cli's disk and the race render's no-follow read closes: a file swapped for a symlink while
// it is read (and back to a regular file before anything else looks) must not lead `gitops build`
// out of the kustomization's folder. The swap is made by a wrapper around the read, deterministic.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FileSystem } from '@gitops-sdk/core'
import { render } from '@gitops-sdk/render'
import { afterAll, describe, expect, it } from 'vitest'
import { diskFs } from './diskFs.js'

const dir = mkdtempSync(join(tmpdir(), 'cli-diskfs-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const rel = (path: string): string => join(dir, path).slice(1)
const inside = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: inside}\n'

/** A tree: app/ naming cm.yaml, outside/secret.yaml beside it. */
function tree(name: string): string {
  const root = join(dir, name)
  mkdirSync(join(root, 'app'), { recursive: true })
  mkdirSync(join(root, 'outside'))
  writeFileSync(join(root, 'outside', 'secret.yaml'), 'apiVersion: v1\nkind: Secret\nmetadata: {name: outside-secret}\nstringData: {password: hunter2}\n')
  writeFileSync(join(root, 'app', 'cm.yaml'), inside)
  writeFileSync(join(root, 'app', 'kustomization.yaml'), 'resources: [cm.yaml]\n')
  return root
}

describe('diskFs readFileNoFollow', () => {
  const fs = diskFs('/')
  const read = (path: string): Promise<Uint8Array> => (fs.readFileNoFollow as (p: string) => Promise<Uint8Array>).call(fs, path)

  it('reads a regular file and refuses a symlink, naming the path', async () => {
    const root = tree('read')
    symlinkSync('../outside/secret.yaml', join(root, 'app', 'link.yaml'))
    expect(new TextDecoder().decode(await read(rel('read/app/cm.yaml')))).toBe(inside)
    await expect(read(rel('read/app/link.yaml'))).rejects.toMatchObject({ code: 'CORE_FS_SYMLINK_REFUSED', details: { path: rel('read/app/link.yaml') } })
    await expect(read(rel('read/app/missing.yaml'))).rejects.toMatchObject({ code: 'CORE_FS_NOT_FOUND' })
    await expect(read(rel('read/app'))).rejects.toMatchObject({ code: 'CORE_FS_NOT_A_FILE' })
  })

  it.skipIf(process.platform === 'win32')('refuses a unix socket as no regular file, naming it', async () => {
    const server = createServer()
    const socket = join(dir, 'cli.sock')
    await new Promise<void>((resolve) => server.listen(socket, resolve))
    try {
      await expect(read(rel('cli.sock'))).rejects.toMatchObject({ code: 'CORE_FS_NOT_A_FILE', details: { path: rel('cli.sock') } })
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('closes the race for a build: a file that is a symlink while it is read, a regular file again before and after, is refused', async () => {
    const root = tree('race')
    const file = join(root, 'app', 'cm.yaml')
    const disk = diskFs('/')
    // The swap happens inside whichever read the build makes of cm.yaml.
    const swapped = async <T>(path: string, read: () => Promise<T>): Promise<T> => {
      if (!path.endsWith('app/cm.yaml')) return read()
      unlinkSync(file)
      symlinkSync('../outside/secret.yaml', file)
      try {
        return await read()
      } finally {
        unlinkSync(file)
        writeFileSync(file, inside)
      }
    }
    const fs: FileSystem = {
      ...disk,
      readFile: (path) => swapped(path, () => disk.readFile(path)),
      ...(disk.readFileNoFollow === undefined ? {} : { readFileNoFollow: (path: string) => swapped(path, () => (disk.readFileNoFollow as (p: string) => Promise<Uint8Array>).call(disk, path)) }),
    }
    await expect(render(rel('race/app'), { fs })).rejects.toMatchObject({ code: 'RENDER_PATH_ESCAPES_ROOT' })
    // Unchanged, the tree builds as before.
    expect((await render(rel('race/app'), { fs: disk })).map((o) => o.metadata.name)).toEqual(['inside'])
  })
})

describe('renderDirectory on the disk', () => {
  it('names every file it reads, those read following no symlink too, as the user reads the path', async () => {
    const { renderDirectory } = await import('./renderDirectory.js')
    const root = tree('named')
    const seen: string[] = []
    const objects = await renderDirectory(join(root, 'app'), { onRead: (file) => seen.push(file) }, root)
    expect(objects.map((o) => o.metadata.name)).toEqual(['inside'])
    expect(seen).toContain('app/cm.yaml')
    expect(seen).toContain('app/kustomization.yaml')
  })
})
