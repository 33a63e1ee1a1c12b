import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { createRepository, startGitServer } from '@gitops-sdk/git-source/testing'
import type { GitServer } from '@gitops-sdk/git-source/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CliIO } from '../context.js'
import { main } from '../main.js'

let root: string
let server: GitServer
let secured: GitServer
let commit: string
let url: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gitops-cli-fetch-'))
  const repo = await createRepository(root, { name: 'fleet.git' })
  await repo.commit({ 'apps/web.yaml': 'kind: ConfigMap\n' })
  await repo.tag('v1.0.0', { annotated: true })
  commit = await repo.commit({ 'apps/web.yaml': 'kind: ConfigMap\ndata: {}\n' })
  server = await startGitServer({ root })
  secured = await startGitServer({ root, auth: { username: 'bot', password: 'hunter2-secret' } })
  url = `${server.url}/fleet.git`
})

afterAll(async () => {
  await Promise.all([server.stop(), secured.stop()])
  await rm(root, { recursive: true, force: true })
})

function capture(env: Record<string, string> = {}): { io: CliIO; out: () => string; err: () => string } {
  let out = ''
  let err = ''
  return {
    io: { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, env, cwd: root },
    out: () => out,
    err: () => err,
  }
}

describe('gitops fetch', () => {
  it('checks out the ref and prints the artifact as JSON', async () => {
    const c = capture()
    expect(await main(['fetch', url, '--ref', 'branch:main', '--out', 'out-main'], c.io)).toBe(0)
    const printed = JSON.parse(c.out()) as Record<string, string>
    expect(printed).toEqual({ revision: `main@sha1:${commit}`, digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) as unknown, path: join(root, 'out-main'), commit })
    expect(await readFile(join(root, 'out-main/apps/web.yaml'), 'utf8')).toBe('kind: ConfigMap\ndata: {}\n')
    expect(c.err()).toContain(`fetching ${url}`)
  })

  it('draws a progress bar on a terminal and clears it before the result', async () => {
    let err = ''
    let out = ''
    const io: CliIO = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s), isTTY: true }, env: {}, cwd: root }
    expect(await main(['fetch', url, '--ref', 'branch:main', '--out', 'out-tty'], io)).toBe(0)
    expect(err).toContain(`fetching ${url}\n`)
    expect(err).toMatch(/\r?(receiving objects|writing files to [^\r]*) \[[#.]{24}\] \d+\/\d+/)
    // The bar is erased at the end: the last thing written is a carriage return after blanks.
    expect(err).toMatch(/\r *\r$/)
    expect(JSON.parse(out)).toMatchObject({ revision: `main@sha1:${commit}` })
  })

  it('prints unchanged without downloading when --last-revision is current', async () => {
    const c = capture()
    server.clearRequests()
    expect(await main(['fetch', url, '--ref', 'branch:main', '--out', 'out-same', '--last-revision', `main@sha1:${commit}`], c.io)).toBe(0)
    expect(JSON.parse(c.out())).toEqual({ unchanged: true, revision: `main@sha1:${commit}` })
    expect(server.requests.map((r) => r.service)).toEqual(['info-refs'])
    expect(existsSync(join(root, 'out-same'))).toBe(false)
  })

  it.for([
    { ref: 'tag:v1.0.0', name: 'v1.0.0' },
    { ref: 'semver:>=1.0.0', name: 'v1.0.0' },
    { ref: 'name:refs/heads/main', name: 'refs/heads/main' },
  ])('understands --ref $ref', async ({ ref, name }) => {
    const c = capture()
    expect(await main(['fetch', url, '--ref', ref, '--out', `out-${name.replaceAll('/', '-')}`, '-o', 'json'], c.io)).toBe(0)
    expect((JSON.parse(c.out()) as { revision: string }).revision.startsWith(`${name}@sha1:`)).toBe(true)
  })

  it('reads credentials only from the named environment variables', async () => {
    const securedUrl = `${secured.url}/fleet.git`
    const ok = capture({ GIT_PASSWORD: 'hunter2-secret' })
    expect(await main(['fetch', securedUrl, '--out', 'out-auth', '--username', 'bot', '--password-env', 'GIT_PASSWORD'], ok.io)).toBe(0)
    const missing = capture()
    expect(await main(['fetch', securedUrl, '--out', 'out-auth2', '--username', 'bot', '--password-env', 'GIT_PASSWORD'], missing.io)).toBe(2)
    expect(missing.err()).toBe('gitops fetch: --password-env names GIT_PASSWORD, which is not set\n')
    const wrong = capture({ GIT_PASSWORD: 'nope' })
    expect(await main(['fetch', securedUrl, '--out', 'out-auth3', '--username', 'bot', '--password-env', 'GIT_PASSWORD'], wrong.io)).toBe(2)
    expect(wrong.err().split('\n').at(-2)).toMatch(/^gitops fetch: .*authentication failed.* \[GIT_AUTH_FAILED\]$/)
    expect(wrong.err()).not.toContain('nope')
  })

  it('replaces its own earlier checkout, and a foreign non-empty directory only with --force', async () => {
    const first = capture()
    expect(await main(['fetch', url, '--out', 'out-again'], first.io)).toBe(0)
    expect(JSON.parse(await readFile(join(root, 'out-again/.gitops-fetch'), 'utf8'))).toEqual({ url, revision: `main@sha1:${commit}` })
    expect(await main(['fetch', url, '--out', 'out-again'], capture().io)).toBe(0)
    await mkdir(join(root, 'foreign'))
    await writeFile(join(root, 'foreign/notes.txt'), 'mine\n')
    const refused = capture()
    expect(await main(['fetch', url, '--out', 'foreign'], refused.io)).toBe(2)
    expect(refused.err()).toContain('--out foreign: not empty and not written by gitops fetch')
    expect(await readFile(join(root, 'foreign/notes.txt'), 'utf8')).toBe('mine\n')
    expect(await main(['fetch', url, '--out', 'foreign', '--force'], capture().io)).toBe(0)
    expect(existsSync(join(root, 'foreign/notes.txt'))).toBe(false)
  })

  it('uses credentials in the URL but never prints them, on a terminal or not', async () => {
    const withPassword = `${secured.url.replace('http://', 'http://bot:hunter2-secret@')}/fleet.git`
    for (const isTTY of [false, true]) {
      let out = ''
      let err = ''
      const io: CliIO = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s), isTTY }, env: {}, cwd: root }
      expect(await main(['fetch', withPassword, '--out', `out-userinfo-${isTTY}`], io)).toBe(0)
      expect(err).toContain(`fetching ${secured.url.replace('http://', 'http://bot:***@')}/fleet.git`)
      expect(out + err).not.toContain('hunter2')
    }
    const wrong = capture()
    expect(await main(['fetch', withPassword.replace('hunter2-secret', 'wrong-pass-word'), '--out', 'out-userinfo-wrong'], wrong.io)).toBe(2)
    expect(wrong.err()).toContain('[GIT_AUTH_FAILED]')
    expect(wrong.out() + wrong.err()).not.toContain('wrong-pass-word')
  })

  it('fails usage errors and typed errors with one line and exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['fetch', url], /--out DIR is required/],
      [['fetch', '--out', 'x'], /missing the repository URL/],
      [['fetch', url, '--out', 'x', '--ref', 'main'], /--ref must be branch:NAME/],
      [['fetch', url, '--out', 'x', '--ref', 'branch:nope'], /branch "nope" not found .*\[GIT_REF_NOT_FOUND\]/],
      [['fetch', 'git@example.com:a/b.git', '--out', 'x'], /\[GIT_UNSUPPORTED_TRANSPORT\]/],
    ]
    for (const [argv, message] of cases) {
      const c = capture()
      expect(await main(argv, c.io)).toBe(2)
      // Progress lines come first; the error is the one last line.
      const lines = c.err().trim().split('\n')
      expect(lines.at(-1)).toMatch(message)
      expect(lines.slice(0, -1).every((l) => l.startsWith('fetching '))).toBe(true)
    }
    expect((await readdir(root)).includes('x')).toBe(false)
  })
})

describe('gitops fetch --verify', () => {
  const run = async (file: string, args: readonly string[]): Promise<string> => (await promisify(execFile)(file, [...args])).stdout
  let signer = ''
  let other = ''
  let signed = ''
  let signedUrl = ''
  beforeAll(async () => {
    for (const name of ['signer', 'other']) await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', join(root, name)])
    signer = (await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(root, 'signer.pub')])).split(' ')[1] as string
    other = (await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(root, 'other.pub')])).split(' ')[1] as string
    const repo = await createRepository(root, { name: 'signed.git' })
    signed = await repo.commit({ 'apps/web.yaml': 'kind: ConfigMap\n' }, { sign: { format: 'ssh', key: join(root, 'signer') } })
    signedUrl = `${server.url}/signed.git`
  })

  it('prints the verified key of a signed commit', async () => {
    const c = capture()
    expect(await main(['fetch', signedUrl, '--out', 'out-verified', '--verify', 'HEAD', '--verify-key', 'signer.pub'], c.io)).toBe(0)
    expect(JSON.parse(c.out())).toMatchObject({ commit: signed, verified: [{ object: 'commit', id: signed, format: 'ssh', fingerprint: signer }] })
  })

  it('fails with GIT_SIGNATURE_INVALID naming the commit and the key tried, and writes nothing', async () => {
    const c = capture()
    expect(await main(['fetch', signedUrl, '--out', 'out-refused', '--verify-key', 'other.pub'], c.io)).toBe(2)
    const line = c.err().trim().split('\n').at(-1) ?? ''
    expect(line).toContain(`commit ${signed} is signed by SSH key `)
    expect(line).toContain(`keys tried: ${other}`)
    expect(line).toContain('[GIT_SIGNATURE_INVALID]')
    expect(existsSync(join(root, 'out-refused'))).toBe(false)
  })

  it.for([
    [['--verify', 'head', '--verify-key', 'signer.pub'], /--verify must be one of HEAD, Tag, TagAndHEAD/],
    [['--verify', 'HEAD'], /--verify needs at least one --verify-key FILE/],
    [['--verify-key', 'missing.pub'], /missing.pub: no such file \(--verify-key\)/],
    [['--verify', 'Tag', '--verify-key', 'signer.pub'], /verify mode Tag needs a tag reference .*\[GIT_INVALID_OPTION\]/],
  ] as const)('refuses %j', async ([flags, message]) => {
    const c = capture()
    expect(await main(['fetch', signedUrl, '--out', 'out-bad-verify', ...flags], c.io)).toBe(2)
    expect(c.err().trim().split('\n').at(-1)).toMatch(message)
    expect(existsSync(join(root, 'out-bad-verify'))).toBe(false)
  })
})

const bin = fileURLToPath(new URL('../../dist/bin.cjs', import.meta.url))

/** Runs the built binary; with `nodeArgs` before it. Asynchronously: the git server runs in this process. */
function gitops(args: readonly string[], nodeArgs: readonly string[] = []): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [...nodeArgs, bin, ...args], { env: { ...process.env, NODE_OPTIONS: '' } }, (err, out) => {
      if (err === null) resolve(out)
      else reject(new Error(`gitops ${args[0]} failed: ${err.message}`))
    })
  })
}

describe.skipIf(!existsSync(bin))('the built gitops binary', () => {
  it('fetches through the real binary', async () => {
    const stdout = await gitops(['fetch', url, '--ref', 'tag:v1.0.0', '--out', join(root, 'out-bin')])
    expect((JSON.parse(stdout) as { revision: string }).revision).toMatch(/^v1\.0\.0@sha1:[0-9a-f]{40}$/)
  })

  it('answers an unchanged --last-revision without loading isomorphic-git, semver, yaml or the pack code', async () => {
    // The bin is CommonJS: a preload writes the module cache (every file required) at exit, and a
    // module resolve hook records anything loaded through import.
    const log = join(root, 'loaded.log')
    await writeFile(join(root, 'cache.cjs'), `process.on('exit', () => require('node:fs').appendFileSync(${JSON.stringify(log)}, Object.keys(require.cache).join('\\n') + '\\n'))\n`)
    await writeFile(
      join(root, 'hooks.mjs'),
      `import { appendFileSync } from 'node:fs'
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context)
  appendFileSync(${JSON.stringify(log)}, result.url + '\\n')
  return result
}
`,
    )
    await writeFile(join(root, 'register.mjs'), `import { register } from 'node:module'\nregister(${JSON.stringify(pathToFileURL(join(root, 'hooks.mjs')).href)})\n`)
    const args = ['fetch', url, '--ref', 'branch:main', '--out', join(root, 'out-lean'), '--last-revision', `main@sha1:${commit}`]
    expect(JSON.parse(await gitops(args, ['--require', join(root, 'cache.cjs'), '--import', join(root, 'register.mjs')]))).toEqual({ unchanged: true, revision: `main@sha1:${commit}` })
    const loaded = (await readFile(log, 'utf8')).split('\n')
    expect(loaded.some((m) => m.includes('/git-source/'))).toBe(true)
    expect(loaded.filter((m) => /isomorphic-git|\/semver\/|\/core\/(?:dist|src)\/semver\.|\/yaml\/|fetchArtifact|semverTags/.test(m))).toEqual([])
  })
})
