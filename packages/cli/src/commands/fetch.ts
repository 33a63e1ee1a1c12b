import { resolve } from 'node:path'
import { EXIT_OK, outputFormat, parseCommandArgs, printResult, progress, stringFlag, UsageError } from '../context.js'
import type { Command } from '../context.js'
import { parseRef, secretFrom } from './options.js'

export const fetchCommand: Command = {
  name: 'fetch',
  summary: 'fetch a git repository at a ref into a directory, as Flux’s source-controller does',
  help: `gitops fetch: fetch a git repository at a branch, tag, semver range, commit or ref, check it out
into a directory, and print the artifact (revision, digest, path, commit) as JSON.

Usage:
  gitops fetch URL --ref branch:NAME|tag:NAME|semver:RANGE|commit:SHA|name:REF --out DIR
               [--last-revision REV] [--username U] [--password-env VAR] [--token-env VAR]

Flags:
  --ref KIND:VALUE       what to fetch (default: the remote's default branch)
  --out DIR              directory to check the files out into (replaced as a whole)
  --last-revision REV    the revision you have; when the remote still points at it, print
                         {"unchanged": true, "revision": REV} without downloading anything
  --username U           user for HTTPS basic auth
  --password-env VAR     read the password from environment variable VAR
  --token-env VAR        read a bearer token from environment variable VAR
Credentials are read only from the environment variables named here, never from the command line.

Examples:
  gitops fetch https://github.com/acme/fleet.git --ref semver:'>=1.0.0 <2.0.0' --out ./fleet
  GIT_TOKEN=... gitops fetch https://git.example/fleet.git --ref branch:main --out ./fleet --token-env GIT_TOKEN
`,
  async run({ io, argv, signal }) {
    const { values, positionals } = parseCommandArgs(argv, {
      ref: { type: 'string' },
      out: { type: 'string' },
      'last-revision': { type: 'string' },
      username: { type: 'string' },
      'password-env': { type: 'string' },
      'token-env': { type: 'string' },
    })
    const format = outputFormat(values.output)
    const [url, ...extra] = positionals
    if (url === undefined) throw new UsageError('missing the repository URL; see gitops fetch --help')
    if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]}`)
    const out = stringFlag(values, 'out')
    if (out === undefined) throw new UsageError('--out DIR is required')
    const ref = parseRef(stringFlag(values, 'ref'))
    const username = stringFlag(values, 'username')
    const password = secretFrom(io, '--password-env', stringFlag(values, 'password-env'))
    const token = secretFrom(io, '--token-env', stringFlag(values, 'token-env'))
    const { fetchSource } = await import('@gitops-sdk/git-source')
    const dir = resolve(io.cwd ?? process.cwd(), out)
    let phase = ''
    progress(io, `fetching ${url}`)
    // On a terminal a bar follows the bytes received and the files written; otherwise plain lines.
    const bar = io.stderr.isTTY === true ? (await import('../terminal.js')).createProgress(io) : undefined
    const labels: Record<string, string> = { refs: 'resolving the ref', receiving: 'receiving objects', resolving: 'resolving deltas', checkout: `writing files to ${dir}` }
    let result: Awaited<ReturnType<typeof fetchSource>>
    try {
      result = await fetchSource(url, {
        ref,
        dir,
        lastRevision: stringFlag(values, 'last-revision'),
        auth: username === undefined && password === undefined && token === undefined ? undefined : { username, password, token },
        signal,
        onProgress: (event) => {
          if (bar !== undefined) {
            bar.update(labels[event.phase] ?? event.phase, event.loaded, event.total)
            return
          }
          if (event.phase === phase) return
          phase = event.phase
          if (phase === 'checkout') progress(io, `writing files to ${dir}`)
        },
      })
    } finally {
      bar?.end()
    }
    const data = result.unchanged
      ? { unchanged: true, revision: result.revision }
      : { revision: result.revision, digest: result.digest, path: result.path, commit: result.commit }
    printResult(io, { format, data, text: () => JSON.stringify(data, null, 2) })
    return EXIT_OK
  },
}
