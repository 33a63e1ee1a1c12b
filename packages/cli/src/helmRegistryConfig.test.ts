// registryConfigAuth with Docker credential helpers (credHelpers, credsStore): fake helpers on a
// PATH of their own answer, fail, hang or flood; every failure is typed, names the helper and the
// host, and carries no secret.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { registryConfigAuth } from './helmRegistryConfig.js'

const secret = 'test-only-S3cret-value'
let dir = ''
let env: Record<string, string> = {}

const helpers: Record<string, string> = {
  // Answers with the host it read on stdin as the user name.
  good: `host=$(cat); printf '{"ServerURL":"%s","Username":"u-%s","Secret":"${secret}"}' "$host" "$host"`,
  token: `cat >/dev/null; printf '{"ServerURL":"x","Username":"<token>","Secret":"${secret}"}'`,
  none: `cat >/dev/null; echo 'credentials not found in native keychain'; exit 1`,
  fails: `cat >/dev/null; echo 'denied ${secret}'; exit 3`,
  garbage: `cat >/dev/null; echo 'not json ${secret}'`,
  badshape: `cat >/dev/null; echo '{"Username":1,"Secret":"${secret}"}'`,
  flood: `cat >/dev/null; head -c 200000 /dev/zero | tr '\\0' 'a'`,
  hangs: `cat >/dev/null; exec sleep 30`,
}

async function config(name: string, body: unknown): Promise<string> {
  const path = join(dir, `${name}.json`)
  await writeFile(path, JSON.stringify(body))
  return path
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cred-helpers-'))
  for (const [name, script] of Object.entries(helpers)) {
    const path = join(dir, `docker-credential-${name}`)
    await writeFile(path, `#!/bin/sh\n${script}\n`)
    await chmod(path, 0o755)
  }
  env = { PATH: `${dir}:/usr/bin:/bin` }
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const auth = (host: string, files: string[], helperTimeoutMs?: number) =>
  registryConfigAuth(host, files.map((path) => ({ path, from: 'test' })), { cwd: dir, env, helperTimeoutMs })

describe('registryConfigAuth with credential helpers', () => {
  it('asks credHelpers for its host, else credsStore, with the host on stdin', async () => {
    const file = await config('both', { credsStore: 'token', credHelpers: { 'reg.example:5000': 'good' }, auths: { 'reg.example:5000': { auth: Buffer.from('a:b').toString('base64') } } })
    expect(await auth('reg.example:5000', [file])).toEqual({ username: 'u-reg.example:5000', password: secret })
    // Another host: the store, whose <token> answer is an identity token.
    expect(await auth('other.example', [file])).toEqual({ identityToken: secret })
  })

  it('passes on to the next file when the helper holds nothing for the host', async () => {
    const first = await config('none', { credsStore: 'none' })
    const second = await config('plain', { auths: { 'reg.example': { auth: Buffer.from('u:p').toString('base64') } } })
    expect(await auth('reg.example', [first, second])).toEqual({ username: 'u', password: 'p' })
    expect(await auth('reg.example', [first])).toBeUndefined()
  })

  it('reads identitytoken from auths', async () => {
    const file = await config('identity', { auths: { 'reg.example': { identitytoken: secret } } })
    expect(await auth('reg.example', [file])).toEqual({ identityToken: secret })
  })

  it.each([
    ['missing', 'not found on PATH'],
    ['fails', 'exited with status 3'],
    ['garbage', 'answered something that is not JSON'],
    ['badshape', 'answered JSON without a string Username and Secret'],
    ['flood', 'answered more than 65536 bytes'],
    ['hangs', 'no answer within 300 ms (killed)'],
    ['../evil', 'not a helper name'],
  ])('a helper that is %s fails typed, naming helper and host, without the secret', async (helper, why) => {
    const file = await config(`f-${helper.replace(/\W/g, '')}`, { credHelpers: { 'reg.example': helper } })
    const err = (await auth('reg.example', [file], 300).catch((e: unknown) => e)) as Error & { code?: string; details?: unknown }
    expect(err).toMatchObject({ code: 'CLI_CREDENTIAL_HELPER_FAILED', message: `docker-credential-${helper} (credential helper for reg.example): ${why}` })
    expect(JSON.stringify({ m: err.message, d: err.details, c: String(err.cause) })).not.toContain(secret)
  })

  it('stops a hanging helper when the signal aborts', async () => {
    const file = await config('abort', { credsStore: 'hangs' })
    const controller = new AbortController()
    const pending = registryConfigAuth('reg.example', [{ path: file, from: 'test' }], { cwd: dir, env, signal: controller.signal })
    // After the file is read, while the helper runs (its own timeout is 30 s).
    setTimeout(() => controller.abort(new Error('stopped')), 100)
    await expect(pending).rejects.toThrow('stopped')
  })
})
