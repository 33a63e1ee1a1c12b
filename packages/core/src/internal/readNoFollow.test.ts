// The no-follow read under a tree that changes while it reads: a file renamed over between the
// open and the checks (deterministic, through the test seam), a unix socket, and the synchronous
// variant the cli's disk uses, which must answer as the asynchronous one does.
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { nodeFs } from '../fileSystem.js'
import { readFileNoFollowSync, readNoFollowHooks } from './readNoFollow.js'

const dir = mkdtempSync(join(tmpdir(), 'gitops-nofollow-'))
mkdirSync(join(dir, 'app'))
mkdirSync(join(dir, 'other'))
writeFileSync(join(dir, 'other', 'secret.yaml'), 'outside')
afterAll(() => rmSync(dir, { recursive: true, force: true }))
afterEach(() => {
  delete readNoFollowHooks.afterOpen
})

const read = (path: string): Promise<Uint8Array> => (nodeFs(dir).readFileNoFollow as (p: string) => Promise<Uint8Array>)(path)
const readSync = async (path: string): Promise<Uint8Array> => readFileNoFollowSync(join(dir, path), path)
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes)

describe.each([
  ['readFileNoFollow (nodeFs)', read],
  ['readFileNoFollowSync', readSync],
])('%s', (_name, readNoFollow) => {
  it('reads a file renamed over between the open and the checks: what was opened (its folder is the one given)', async () => {
    writeFileSync(join(dir, 'app', 'cm.yaml'), 'x: 1\n')
    readNoFollowHooks.afterOpen = (abs) => {
      // `mv t cm.yaml`: the descriptor's file is now `cm.yaml (deleted)` for the kernel.
      writeFileSync(join(dir, 'app', 't'), 'x: 2\n')
      renameSync(join(dir, 'app', 't'), abs)
    }
    expect(text(await readNoFollow('app/cm.yaml'))).toBe('x: 1\n')
    delete readNoFollowHooks.afterOpen
    expect(text(await readNoFollow('app/cm.yaml'))).toBe('x: 2\n')
  })

  it('reads a file removed after the open', async () => {
    writeFileSync(join(dir, 'app', 'gone.yaml'), 'gone')
    readNoFollowHooks.afterOpen = (abs) => unlinkSync(abs)
    expect(text(await readNoFollow('app/gone.yaml'))).toBe('gone')
  })

  it('refuses a file whose folder became a symlink out of the tree before the checks', async () => {
    mkdirSync(join(dir, 'swap'), { recursive: true })
    writeFileSync(join(dir, 'swap', 'cm.yaml'), 'inside')
    writeFileSync(join(dir, 'other', 'cm.yaml'), 'outside')
    // The open goes through the symlinked folder (the swap made before the read, as a race would).
    renameSync(join(dir, 'swap'), join(dir, 'swap-moved'))
    symlinkSync(join(dir, 'other'), join(dir, 'swap'))
    try {
      await expect(readNoFollow('swap/cm.yaml')).rejects.toMatchObject({ code: 'CORE_FS_SYMLINK_REFUSED', details: { path: 'swap/cm.yaml' } })
    } finally {
      unlinkSync(join(dir, 'swap'))
      renameSync(join(dir, 'swap-moved'), join(dir, 'swap'))
    }
  })

  it('refuses a symlink as the file', async () => {
    symlinkSync('../other/secret.yaml', join(dir, 'app', `link-${_name.length}.yaml`))
    await expect(readNoFollow(`app/link-${_name.length}.yaml`)).rejects.toMatchObject({ code: 'CORE_FS_SYMLINK_REFUSED' })
  })

  it.skipIf(process.platform === 'win32')('refuses a unix socket as no regular file, naming it by its relative path', async () => {
    const server = createServer()
    const socket = join(dir, 'app', `s${_name.length}.sock`)
    await new Promise<void>((resolve) => server.listen(socket, resolve))
    try {
      const rel = `app/s${_name.length}.sock`
      const err = await readNoFollow(rel).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(err).toMatchObject({ code: 'CORE_FS_NOT_A_FILE', message: `${rel}: not a regular file`, details: { path: rel } })
      expect((err as Error).message).not.toContain(dir)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})

describe('readFileNoFollowSync', () => {
  it('reads files of every size to their end, as the asynchronous read does', async () => {
    for (const size of [0, 1, 65535, 65536, 65537, 1 << 20]) {
      const bytes = Buffer.alloc(size, 'kind: ConfigMap\n')
      writeFileSync(join(dir, 'app', `size-${size}`), bytes)
      const got = readFileNoFollowSync(join(dir, 'app', `size-${size}`), `app/size-${size}`)
      expect(Buffer.from(got).equals(bytes)).toBe(true)
      expect(Buffer.from(got).equals(Buffer.from(await read(`app/size-${size}`)))).toBe(true)
    }
  })

  it("leaves Node's own errors for a missing file to its caller", () => {
    expect(() => readFileNoFollowSync(join(dir, 'app', 'missing'), 'app/missing')).toThrow(expect.objectContaining({ code: 'ENOENT' }))
  })
})
