// node:fs/promises is reached through fs.promises, when first used: loading it costs every start of
// the gitops command (its bundle runs this module's imports at start) a few milliseconds.
import { promises as fsp } from 'node:fs'
import { resolve } from 'node:path'
import { debug, EXIT_OK, printResult, progress } from '../context.js'
import type { CliIO, Command } from '../context.js'
import { UsageError } from '../errors.js'
import { booleanFlag, outputFormat, parseCommandArgs, parseRef, secretFrom, stringFlag, stringListFlag } from '../flags.js'
import type { FlagSpec, FlagValues } from '../flags.js'
import { checkOutDir, markOutDir } from '../outDir.js'
import { redactUrl } from '../redact.js'

const flags = {
  ref: { type: 'string' },
  out: { type: 'string' },
  force: { type: 'boolean', default: false },
  'last-revision': { type: 'string' },
  username: { type: 'string' },
  'password-env': { type: 'string' },
  'token-env': { type: 'string' },
  'insecure-registry': { type: 'boolean', default: false },
  verify: { type: 'string' },
  'verify-key': { type: 'string', multiple: true },
  ca: { type: 'string' },
  'cache-dir': { type: 'string' },
  ignore: { type: 'string', multiple: true },
  'semver-filter': { type: 'string' },
  'layer-media-type': { type: 'string' },
  'layer-operation': { type: 'string' },
} as const satisfies FlagSpec

/** The PEM of `--ca FILE`, checked to hold at least one certificate. */
async function caOption(io: CliIO, values: FlagValues, signal: AbortSignal): Promise<string | undefined> {
  const file = stringFlag(values, 'ca')
  if (file === undefined) return undefined
  const pem = await fsp.readFile(resolve(io.cwd ?? process.cwd(), file), { encoding: 'utf8', signal }).catch((err: unknown) => {
    const code = (err as NodeJS.ErrnoException).code
    if (code !== 'ENOENT' && code !== 'EISDIR') throw err
    throw new UsageError(`${file}: no such file (--ca)`, { code: 'CLI_FILE_NOT_FOUND', details: { path: file } })
  })
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new UsageError(`${file}: holds no PEM certificate (--ca wants -----BEGIN CERTIFICATE----- blocks)`, { code: 'CLI_FLAG_INVALID', details: { flag: '--ca', path: file } })
  }
  return pem
}

/** `--ignore PATTERN` (repeatable) as one block of .sourceignore lines, as Flux's spec.ignore. */
function ignoreOption(values: FlagValues): string | undefined {
  const patterns = stringListFlag(values, 'ignore')
  if (patterns.length === 0) return undefined
  const multiline = patterns.find((p) => /[\r\n]/.test(p))
  if (multiline !== undefined) throw new UsageError('--ignore takes one pattern per flag; repeat it for more', { code: 'CLI_FLAG_INVALID', details: { flag: '--ignore' } })
  return patterns.join('\n')
}

const verifyModes = ['HEAD', 'Tag', 'TagAndHEAD'] as const
type VerifyMode = (typeof verifyModes)[number]

/** The `verify` option of `--verify MODE` and `--verify-key FILE…`, or undefined when neither is given. */
async function verifyOption(io: CliIO, values: FlagValues, signal: AbortSignal): Promise<{ mode: VerifyMode; keys: string[] } | undefined> {
  const mode = stringFlag(values, 'verify')
  const files = stringListFlag(values, 'verify-key')
  if (mode === undefined && files.length === 0) return undefined
  if (mode !== undefined && !(verifyModes as readonly string[]).includes(mode)) {
    throw new UsageError(`--verify must be one of ${verifyModes.join(', ')}, not ${JSON.stringify(mode)}`, { code: 'CLI_FLAG_INVALID', details: { flag: '--verify', value: mode } })
  }
  if (files.length === 0) throw new UsageError('--verify needs at least one --verify-key FILE', { code: 'CLI_ARGUMENT_MISSING', details: { flag: '--verify-key' } })
  const keys: string[] = []
  for (const file of files) {
    keys.push(
      await fsp.readFile(resolve(io.cwd ?? process.cwd(), file), { encoding: 'utf8', signal }).catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
        throw new UsageError(`${file}: no such file (--verify-key)`, { code: 'CLI_FILE_NOT_FOUND', details: { path: file } })
      }),
    )
  }
  return { mode: (mode ?? 'HEAD') as VerifyMode, keys }
}

export const fetchCommand: Command = {
  name: 'fetch',
  summary: 'fetch a git repository or an OCI artifact into a directory, as Flux’s source-controller does',
  help: `gitops fetch: fetch a git repository at a branch, tag, semver range, commit or ref, or an OCI
artifact (oci://) by tag, semver range or digest, check it out into a directory, and print the
artifact (revision, digest, path, commit) as JSON.

Usage:
  gitops fetch URL --ref branch:NAME|tag:NAME|semver:RANGE|commit:SHA|name:REF --out DIR
               [--last-revision REV] [--username U] [--password-env VAR] [--token-env VAR]
               [--verify HEAD|Tag|TagAndHEAD --verify-key FILE...]
               [--ca FILE] [--cache-dir DIR] [--ignore PATTERN...]
  gitops fetch oci://HOST/REPO --ref tag:T|semver:R|digest:D --out DIR
               [--last-revision REV] [--username U] [--password-env VAR] [--token-env VAR]
               [--insecure-registry] [--semver-filter REGEX]
               [--layer-media-type TYPE [--layer-operation extract|copy]]

Flags:
  --ref KIND:VALUE       what to fetch (default: the remote's default branch; for oci:// the
                         URL's tag, else latest): an OCI artifact is pulled as Flux's
                         OCIRepository does, digests verified, revision TAG@sha256:...
  --out DIR              directory to check the files out into, replaced as a whole: it must be
                         absent, empty or an earlier checkout of gitops fetch (which leaves a
                         .gitops-fetch file in it); never the working or home directory or a parent
  --force                replace a non-empty DIR that gitops fetch did not write
  --last-revision REV    the revision you have; when the remote still points at it, print
                         {"unchanged": true, "revision": REV} without downloading anything
  --username U           user for HTTPS basic auth (or the registry's, for oci://)
  --insecure-registry    oci:// only: plain HTTP (localhost and 127.0.0.1 always are)
  --semver-filter REGEX  oci:// only: rank only the tags matching REGEX (Go RE2, searched) for
                         --ref semver:, as Flux's OCIRepository ref.semverFilter
  --layer-media-type T   oci:// only: take the first layer of media type T, as Flux's
                         layerSelector.mediaType (default: Flux's content layer, else the only one)
  --layer-operation OP   oci:// only: extract (default) unpacks the layer's tarball into DIR; copy
                         writes the layer as it is, DIR/<digest hex>.tar.gz
  --password-env VAR     read the password from environment variable VAR
  --token-env VAR        read a bearer token from environment variable VAR
  --verify MODE          verify signatures before anything is written, as Flux's spec.verify:
                         HEAD (the default with --verify-key) the commit, Tag the annotated tag
                         of a tag: or semver: ref, TagAndHEAD both; an unsigned or wrongly signed
                         commit or tag fails with GIT_SIGNATURE_* and DIR is left as it was
  --verify-key FILE      a trusted key, repeatable: an armored OpenPGP public key block
                         (gpg --export --armor) or SSH public keys one per line (.pub,
                         allowed_signers) for commits signed with gpg.format ssh; the result
                         names the fingerprint of the key that verified each object
  --ca FILE              PEM certificates to trust besides Node's roots (a private CA), as
                         Flux's certSecretRef ca.crt; https:// only
  --cache-dir DIR        keep the fetched objects in DIR (one bare repository per URL): a later
                         fetch downloads only what changed, and none at all for a commit the
                         cache holds (the files are checked out again from it)
  --ignore PATTERN       leave out files matching PATTERN (.sourceignore/gitignore syntax,
                         repeatable), applied after the repository's .sourceignore files, as
                         Flux's spec.ignore; it replaces Flux's default exclusions but the VCS ones
  -o, --output F         text (the artifact as JSON, the default), json or yaml

Credentials are read only from the environment variables named here, never from the command line;
credentials inside URL (user:password@, ?access_token=) are used but never printed.
A fetch that takes longer than 60 s in all fails with GIT_TIMEOUT (so does one against a server
that never answers); Ctrl-C or SIGTERM stops it at once.

Examples:
  gitops fetch https://github.com/acme/fleet.git --ref semver:'>=1.0.0 <2.0.0' --out ./fleet
  GIT_TOKEN=... gitops fetch https://git.example/fleet.git --ref branch:main --out ./fleet --token-env GIT_TOKEN
  gitops fetch https://git.example/fleet.git --ref semver:'^1' --out ./fleet --verify TagAndHEAD --verify-key author1.asc
  gitops fetch oci://ghcr.io/acme/fleet --ref semver:'>=1.0.0' --out ./fleet
`,
  flags,
  async run({ io, argv, signal }) {
    const { values, positionals } = parseCommandArgs(argv, flags)
    const format = outputFormat(values.output)
    const [url, ...extra] = positionals
    if (url === undefined) throw new UsageError('missing the repository URL; see gitops fetch --help', { code: 'CLI_ARGUMENT_MISSING' })
    if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]}`, { code: 'CLI_ARGUMENT_UNEXPECTED', details: { argument: extra[0] } })
    const out = stringFlag(values, 'out')
    if (out === undefined) throw new UsageError('--out DIR is required', { code: 'CLI_ARGUMENT_MISSING', details: { flag: '--out' } })
    if (url.startsWith('oci://')) return (await import('./fetchOci.js')).fetchOci(url, { io, values, out, signal })
    for (const flag of ['semver-filter', 'layer-media-type', 'layer-operation'] as const) {
      if (stringFlag(values, flag) !== undefined) throw new UsageError(`--${flag} is for oci:// artifacts, not git repositories`, { code: 'CLI_FLAG_INVALID', details: { flag: `--${flag}` } })
    }
    const ref = parseRef(stringFlag(values, 'ref'))
    const username = stringFlag(values, 'username')
    const password = secretFrom(io, '--password-env', stringFlag(values, 'password-env'))
    const token = secretFrom(io, '--token-env', stringFlag(values, 'token-env'))
    const verify = await verifyOption(io, values, signal)
    const ca = await caOption(io, values, signal)
    const ignore = ignoreOption(values)
    const cacheFlag = stringFlag(values, 'cache-dir')
    if (cacheFlag === '') throw new UsageError('--cache-dir must name a directory', { code: 'CLI_FLAG_INVALID', details: { flag: '--cache-dir' } })
    const { fetchSource } = await import('@gitops-sdk/git-source')
    const cwd = io.cwd ?? process.cwd()
    const dir = resolve(cwd, out)
    await checkOutDir(out, dir, { cwd, home: io.env.HOME, force: booleanFlag(values, 'force') })
    const shown = redactUrl(url)
    let phase = ''
    let logged = ''
    progress(io, `fetching ${shown}`)
    // On a terminal a bar follows the bytes received and the files written; otherwise plain lines.
    const bar = io.stderr.isTTY === true ? (await import('../terminal.js')).createProgress(io) : undefined
    const labels: Record<string, string> = { refs: 'resolving the ref', receiving: 'receiving objects', resolving: 'resolving deltas', checkout: `writing files to ${dir}` }
    let result: Awaited<ReturnType<typeof fetchSource>>
    try {
      result = await fetchSource(url, {
        ref,
        dir,
        lastRevision: stringFlag(values, 'last-revision'),
        verify,
        ca,
        ignore,
        cacheDir: cacheFlag === undefined ? undefined : resolve(cwd, cacheFlag),
        auth: username === undefined && password === undefined && token === undefined ? undefined : { username, password, token },
        signal,
        onProgress: (event) => {
          if (event.phase !== logged) debug(io, 'fetch', { url: shown, phase: event.phase })
          logged = event.phase
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
    if (!result.unchanged) await markOutDir(dir, { url: shown, revision: result.revision }, signal)
    const data = result.unchanged
      ? { unchanged: true, revision: result.revision }
      : { revision: result.revision, digest: result.digest, path: result.path, commit: result.commit, ...(result.verified === undefined ? {} : { verified: result.verified }) }
    printResult(io, { format, data, text: () => JSON.stringify(data, null, 2) })
    return EXIT_OK
  },
}
