import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { generateIdentity } from './generateIdentity.js'
import { loadIdentitiesFromEnv } from './loadIdentitiesFromEnv.js'

const home = mkdtempSync(join(tmpdir(), 'test-only-home-'))
afterAll(() => rmSync(home, { recursive: true, force: true }))

describe('loadIdentitiesFromEnv', () => {
  it('reads the sops key sources in sops order', async () => {
    const [inline1, inline2, file, cmd, config] = await Promise.all([1, 2, 3, 4, 5].map(() => generateIdentity()))
    writeFileSync(join(home, 'keys-file.txt'), `# test-only\n${file!.secretKey}\n`)
    mkdirSync(join(home, 'xdg', 'sops', 'age'), { recursive: true })
    writeFileSync(join(home, 'xdg', 'sops', 'age', 'keys.txt'), `${config!.secretKey}\n`)
    const ids = await loadIdentitiesFromEnv({
      env: {
        SOPS_AGE_KEY: `${inline1!.secretKey} ${inline2!.secretKey}`,
        SOPS_AGE_KEY_FILE: join(home, 'keys-file.txt'),
        SOPS_AGE_KEY_CMD: `echo '${cmd!.secretKey}'`,
        XDG_CONFIG_HOME: join(home, 'xdg'),
        PATH: process.env.PATH,
      },
      homeDir: home,
      platform: 'linux',
    })
    expect(ids.map((i) => i.recipient)).toEqual([inline1, inline2, file, cmd, config].map((k) => k!.recipient))
  })

  it('finds nothing in an empty environment', async () => {
    expect(await loadIdentitiesFromEnv({ env: {}, homeDir: join(home, 'none'), platform: 'linux' })).toEqual([])
  })

  it('uses ~/.config on Linux and Application Support on macOS unless XDG_CONFIG_HOME is set', async () => {
    const key = await generateIdentity()
    const dir = join(home, 'Library', 'Application Support', 'sops', 'age')
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'keys.txt'), `${key.secretKey}\n`)
    expect((await loadIdentitiesFromEnv({ env: {}, homeDir: home, platform: 'darwin' })).map((i) => i.recipient)).toEqual([key.recipient])
    expect(await loadIdentitiesFromEnv({ env: {}, homeDir: home, platform: 'linux' })).toEqual([])
  })

  it('fails on a named source that cannot be read or holds no identity', async () => {
    await expect(loadIdentitiesFromEnv({ env: { SOPS_AGE_KEY_FILE: join(home, 'missing.txt') }, homeDir: home })).rejects.toMatchObject({
      code: 'SOPS_KEY_SOURCE_FAILED',
      message: expect.stringMatching(/^SOPS_AGE_KEY_FILE: cannot read .*missing\.txt: ENOENT$/) as unknown,
    })
    await expect(loadIdentitiesFromEnv({ env: { SOPS_AGE_KEY: 'not-a-key' }, homeDir: home })).rejects.toMatchObject({ code: 'SOPS_IDENTITY_INVALID' })
    await expect(loadIdentitiesFromEnv({ env: { SOPS_AGE_KEY_CMD: 'false' , PATH: process.env.PATH }, homeDir: home })).rejects.toMatchObject({
      code: 'SOPS_KEY_SOURCE_FAILED',
    })
  })
})
