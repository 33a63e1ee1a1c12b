// A tree that changes while render reads it: a file the build's listing showed as a regular file is
// swapped for a symlink before the build reads it. The build checked where the file is (the load
// restrictor, from the listing) and must read that, not what the symlink leads to. The swap is
// made by a FileSystem wrapper right after the listing, so the race is deterministic.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { nodeFs, overlayFs } from '@gitops-sdk/core'
import type { FileSystem } from '@gitops-sdk/core'
import { afterEach, describe, expect, it } from 'vitest'
import { render } from '../../src/index.js'
import type { RenderOptions } from '../../src/index.js'

const configMap = (name: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`
const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** app/ with a kustomization naming cm.yaml (a regular file), other/secret.yaml beside app/. */
function tree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'render-swap-'))
  dirs.push(dir)
  mkdirSync(join(dir, 'app'))
  mkdirSync(join(dir, 'other'))
  writeFileSync(join(dir, 'app', 'kustomization.yaml'), 'resources: [cm.yaml]\n')
  writeFileSync(join(dir, 'app', 'cm.yaml'), configMap('inside'))
  writeFileSync(join(dir, 'other', 'secret.yaml'), configMap('outside'))
  return dir
}

/** `fs`, except that once `folder` has been listed, `dir/file` becomes a symlink to `target`. */
function swapAfterListing(fs: FileSystem, dir: string, folder: string, file: string, target: string): FileSystem {
  let swapped = false
  return {
    ...fs,
    readdir: async (path) => {
      const entries = await fs.readdir(path)
      if (path === folder && !swapped) {
        swapped = true
        unlinkSync(join(dir, file))
        symlinkSync(target, join(dir, file))
      }
      return entries
    },
  }
}

const build = (fs: FileSystem, loadRestrictions: RenderOptions['loadRestrictions']) => render('app', { fs, loadRestrictions })

describe('render of a tree whose file turns into a symlink after its folder was listed', () => {
  it('refuses the read under the root-only restriction, naming the file, as it refuses a symlink out of the root', async () => {
    const dir = tree()
    const fs = swapAfterListing(nodeFs(dir), dir, 'app', 'app/cm.yaml', '../other/secret.yaml')
    await expect(build(fs, 'rootOnly')).rejects.toMatchObject({
      code: 'RENDER_PATH_ESCAPES_ROOT',
      message: "app/kustomization.yaml: resources[0]: security; file 'app/cm.yaml' became a symlink after its folder was listed; not followed",
    })
    // The tree as it is now, built afresh: the restrictor refuses the link itself.
    await expect(build(nodeFs(dir), 'rootOnly')).rejects.toMatchObject({
      code: 'RENDER_PATH_ESCAPES_ROOT',
      message: "app/kustomization.yaml: resources[0]: security; file 'app/cm.yaml' is not in or below 'app'",
    })
  })

  it('refuses it through an overlay too (the overlay reads its base without following)', async () => {
    const dir = tree()
    const base = swapAfterListing(nodeFs(dir), dir, 'app', 'app/cm.yaml', '../other/secret.yaml')
    const fs = overlayFs(base, new Map([['app/extra.yaml', new TextEncoder().encode(configMap('extra'))]]))
    await expect(build(fs, 'rootOnly')).rejects.toMatchObject({ code: 'RENDER_PATH_ESCAPES_ROOT' })
  })

  it('reads through the link with no restriction, as a build of the changed tree does', async () => {
    const dir = tree()
    const fs = swapAfterListing(nodeFs(dir), dir, 'app', 'app/cm.yaml', '../other/secret.yaml')
    expect((await build(fs, 'none')).map((o) => o.metadata.name)).toEqual(['outside'])
  })

  it('still never reads outside the file system root, whatever the restriction', async () => {
    const dir = tree()
    const outside = mkdtempSync(join(tmpdir(), 'render-swap-outside-'))
    dirs.push(outside)
    writeFileSync(join(outside, 'secret.yaml'), configMap('far-outside'))
    for (const restriction of ['rootOnly', 'none'] as const) {
      rmSync(join(dir, 'app', 'cm.yaml'), { force: true })
      writeFileSync(join(dir, 'app', 'cm.yaml'), configMap('inside'))
      const fs = swapAfterListing(nodeFs(dir), dir, 'app', 'app/cm.yaml', join(outside, 'secret.yaml'))
      await expect(build(fs, restriction)).rejects.toMatchObject({ code: 'RENDER_PATH_ESCAPES_ROOT' })
    }
  })

  it('reads an overlay\'s file in a folder reached through a symlink, where no file is on disk', async () => {
    const dir = tree()
    mkdirSync(join(dir, 'real-app'))
    writeFileSync(join(dir, 'real-app', 'kustomization.yaml'), 'resources: [cm.yaml, extra.yaml]\n')
    writeFileSync(join(dir, 'real-app', 'cm.yaml'), configMap('on-disk'))
    symlinkSync('real-app', join(dir, 'linked'))
    const fs = overlayFs(
      nodeFs(dir),
      new Map([
        ['linked/extra.yaml', new TextEncoder().encode(configMap('extra'))],
        ['linked/cm.yaml', new TextEncoder().encode(configMap('overridden'))],
      ]),
    )
    expect((await render('linked', { fs })).map((o) => o.metadata.name)).toEqual(['extra', 'overridden'])
  })

  it('never shows an override of a symlink as its target: a generator of the target reads the disk (both restrictions)', async () => {
    // secrets' decryptGeneratorInputs overrides a symlinked generator input by the path the
    // kustomization names (link.env): the plaintext must not reach a generator of real.env.
    const dir = tree()
    writeFileSync(
      join(dir, 'app', 'kustomization.yaml'),
      'secretGenerator: [{name: s, files: [link.env]}]\nconfigMapGenerator: [{name: c, files: [real.env]}]\ngeneratorOptions: {disableNameSuffixHash: true}\n',
    )
    writeFileSync(join(dir, 'app', 'real.env'), 'ENCRYPTED\n')
    symlinkSync('real.env', join(dir, 'app', 'link.env'))
    const fs = overlayFs(nodeFs(dir), new Map([['app/link.env', new TextEncoder().encode('DECRYPTED\n')]]))
    for (const restriction of ['rootOnly', 'none'] as const) {
      const objects = await build(fs, restriction)
      expect(objects.map((o) => [o.metadata.name, o['data']])).toEqual([
        ['c', { 'real.env': 'ENCRYPTED\n' }],
        ['s', { 'link.env': Buffer.from('DECRYPTED\n').toString('base64') }],
      ])
    }
  })

  it('builds an unchanged tree as before, through nodeFs and an overlay over it', async () => {
    const dir = tree()
    expect((await build(nodeFs(dir), 'rootOnly')).map((o) => o.metadata.name)).toEqual(['inside'])
    writeFileSync(join(dir, 'app', 'kustomization.yaml'), 'resources: [cm.yaml, extra.yaml]\n')
    const fs = overlayFs(nodeFs(dir), new Map([['app/extra.yaml', new TextEncoder().encode(configMap('extra'))]]))
    expect((await build(fs, 'rootOnly')).map((o) => o.metadata.name)).toEqual(['extra', 'inside'])
  })
})
