// `gitops push artifact`: a directory to an OCI registry as a Flux artifact, as `flux push artifact`.
import { resolve } from 'node:path'
import { EXIT_OK, printResult, progress } from '../context.js'
import type { Command } from '../context.js'
import { UsageError } from '../errors.js'
import { booleanFlag, outputFormat, parseCommandArgs, stringFlag } from '../flags.js'
import type { FlagSpec } from '../flags.js'
import { registryAuth } from './fetchOci.js'

const flags = {
  path: { type: 'string' },
  source: { type: 'string' },
  revision: { type: 'string' },
  username: { type: 'string' },
  'password-env': { type: 'string' },
  'token-env': { type: 'string' },
  'insecure-registry': { type: 'boolean', default: false },
} as const satisfies FlagSpec

export const pushCommand: Command = {
  name: 'push',
  summary: 'push a directory to an OCI registry as a Flux artifact, as flux push artifact does',
  help: `gitops push artifact: push every regular file of a directory to an OCI registry as a Flux artifact
(a tar+gzip layer of media type application/vnd.cncf.flux.content.v1.tar+gzip, annotated with its
source, revision and creation time), as flux push artifact does, and print what was pushed as JSON.
The same files always push to the same layer digest.

Usage:
  gitops push artifact oci://HOST/REPO:TAG --path DIR [--source S --revision R]
                       [--username U] [--password-env VAR] [--token-env VAR] [--insecure-registry]

Flags:
  --path DIR             the directory to push (symlinks are left out, as Flux does)
  --source S             org.opencontainers.image.source, e.g. the git URL the files came from
  --revision R           org.opencontainers.image.revision, e.g. main@sha1:3f2a...
  --username U           registry user (basic auth, or traded for a token when the registry asks)
  --password-env VAR     read the password from environment variable VAR
  --token-env VAR        read a registry bearer token from environment variable VAR
  --insecure-registry    plain HTTP (localhost and 127.0.0.1 always are)
  -o, --output F         text (JSON, the default), json or yaml

A push that takes longer than 60 s fails with OCI_TIMEOUT; Ctrl-C or SIGTERM stops it at once.

Examples:
  gitops push artifact oci://ghcr.io/acme/fleet:v1.2.0 --path ./deploy --source https://github.com/acme/fleet --revision "main@sha1:$(git rev-parse HEAD)"
`,
  flags,
  async run({ io, argv, signal }) {
    const { values, positionals } = parseCommandArgs(argv, flags)
    const format = outputFormat(values.output)
    const [what, url, ...extra] = positionals
    if (what !== 'artifact') {
      const said = what === undefined ? 'missing "artifact"' : `unknown "${what}"`
      throw new UsageError(`${said}: the one form is gitops push artifact oci://HOST/REPO:TAG --path DIR; see gitops push --help`, { code: 'CLI_ARGUMENT_MISSING', details: { argument: what } })
    }
    if (url === undefined) throw new UsageError('missing the artifact URL oci://HOST/REPO:TAG; see gitops push --help', { code: 'CLI_ARGUMENT_MISSING' })
    if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]}`, { code: 'CLI_ARGUMENT_UNEXPECTED', details: { argument: extra[0] } })
    const path = stringFlag(values, 'path')
    if (path === undefined) throw new UsageError('--path DIR is required', { code: 'CLI_ARGUMENT_MISSING', details: { flag: '--path' } })
    const dir = resolve(io.cwd ?? process.cwd(), path)
    const { nodeFs } = await import('@gitops-sdk/core')
    const fs = nodeFs(dir)
    if ((await fs.stat('').catch(() => undefined))?.type !== 'directory') {
      throw new UsageError(`--path ${path}: no such directory`, { code: 'CLI_FILE_NOT_FOUND', details: { path } })
    }
    const { pushArtifact } = await import('@gitops-sdk/oci-source')
    progress(io, `pushing ${dir} to ${url}`)
    const pushed = await pushArtifact(url, {
      fs,
      source: stringFlag(values, 'source'),
      revision: stringFlag(values, 'revision'),
      auth: registryAuth(io, values),
      insecure: booleanFlag(values, 'insecure-registry'),
      signal,
    })
    const data = { url: pushed.url, digest: pushed.digest, revision: pushed.revision, files: pushed.files, annotations: pushed.annotations }
    printResult(io, { format, data, text: () => JSON.stringify(data, null, 2) })
    return EXIT_OK
  },
}
