// `gitops fetch oci://HOST/REPO`: the OCI side of gitops fetch, as Flux's OCIRepository pulls.
import { resolve } from 'node:path'
import { EXIT_OK, printResult, progress } from '../context.js'
import type { CliIO } from '../context.js'
import { UsageError } from '../errors.js'
import { booleanFlag, outputFormat, secretFrom, stringFlag } from '../flags.js'
import type { FlagValues } from '../flags.js'
import { checkOutDir, markOutDir } from '../outDir.js'

/** `--ref tag:T|semver:R|digest:D` for an OCI artifact. */
function parseOciRef(value: string | undefined): { tag: string } | { semver: string } | { digest: string } | undefined {
  if (value === undefined) return undefined
  const colon = value.indexOf(':')
  const kind = colon < 0 ? '' : value.slice(0, colon)
  const rest = colon < 0 ? '' : value.slice(colon + 1)
  if (rest !== '' && kind === 'tag') return { tag: rest }
  if (rest !== '' && kind === 'semver') return { semver: rest }
  if (rest !== '' && kind === 'digest') return { digest: rest }
  throw new UsageError(`--ref must be tag:TAG, semver:RANGE or digest:sha256:HEX for an oci:// URL, not ${value}`, { code: 'CLI_FLAG_INVALID', details: { flag: '--ref' } })
}

/** `--layer-media-type T [--layer-operation extract|copy]`, as Flux's layerSelector. */
function layerSelector(values: FlagValues): { mediaType: string; operation: 'extract' | 'copy' } | undefined {
  const mediaType = stringFlag(values, 'layer-media-type')
  const operation = stringFlag(values, 'layer-operation')
  if (mediaType === undefined) {
    if (operation !== undefined) throw new UsageError('--layer-operation needs --layer-media-type', { code: 'CLI_FLAG_INVALID', details: { flag: '--layer-operation' } })
    return undefined
  }
  if (operation !== undefined && operation !== 'extract' && operation !== 'copy') {
    throw new UsageError(`--layer-operation must be extract or copy, not ${JSON.stringify(operation)}`, { code: 'CLI_FLAG_INVALID', details: { flag: '--layer-operation' } })
  }
  return { mediaType, operation: operation ?? 'extract' }
}

/** Registry credentials from `--username`, `--password-env` and `--token-env`. */
export function registryAuth(io: CliIO, values: FlagValues): { username?: string | undefined; password?: string | undefined; token?: string | undefined } | undefined {
  const username = stringFlag(values, 'username')
  const password = secretFrom(io, '--password-env', stringFlag(values, 'password-env'))
  const token = secretFrom(io, '--token-env', stringFlag(values, 'token-env'))
  return username === undefined && password === undefined && token === undefined ? undefined : { username, password, token }
}

/** Runs `gitops fetch` for an `oci://` URL. */
export async function fetchOci(url: string, context: { io: CliIO; values: FlagValues; out: string; signal: AbortSignal }): Promise<number> {
  const { io, values, out, signal } = context
  if (stringFlag(values, 'verify') !== undefined || (values['verify-key'] as unknown[] | undefined)?.length) {
    throw new UsageError('--verify and --verify-key are for git repositories, not oci:// artifacts', { code: 'CLI_FLAG_INVALID', details: { flag: '--verify' } })
  }
  // An OCI pull is by digest already (the no-change check is --last-revision); the registry client
  // speaks through the platform's fetch, which takes no extra CA; the artifact is the pushed tree as
  // it is (no ignore rules).
  for (const flag of ['ca', 'cache-dir', 'ignore'] as const) {
    if (values[flag] !== undefined && !(Array.isArray(values[flag]) && values[flag].length === 0)) {
      throw new UsageError(`--${flag} is for git repositories, not oci:// artifacts`, { code: 'CLI_FLAG_INVALID', details: { flag: `--${flag}` } })
    }
  }
  const format = outputFormat(values.output)
  const parsedRef = parseOciRef(stringFlag(values, 'ref'))
  const semverFilter = stringFlag(values, 'semver-filter')
  if (semverFilter !== undefined && (parsedRef === undefined || !('semver' in parsedRef))) {
    throw new UsageError('--semver-filter needs --ref semver:RANGE', { code: 'CLI_FLAG_INVALID', details: { flag: '--semver-filter' } })
  }
  const ref = parsedRef !== undefined && 'semver' in parsedRef ? { ...parsedRef, semverFilter } : parsedRef
  const selector = layerSelector(values)
  const auth = registryAuth(io, values)
  const { pullArtifact } = await import('@gitops-sdk/oci-source')
  const cwd = io.cwd ?? process.cwd()
  const dir = resolve(cwd, out)
  await checkOutDir(out, dir, { cwd, home: io.env.HOME, force: booleanFlag(values, 'force') })
  progress(io, `fetching ${url}`)
  const result = await pullArtifact(url, { ref, dir, auth, layerSelector: selector, lastRevision: stringFlag(values, 'last-revision'), insecure: booleanFlag(values, 'insecure-registry'), signal })
  if (!result.unchanged) await markOutDir(dir, { url, revision: result.revision }, signal)
  const data = result.unchanged
    ? { unchanged: true, revision: result.revision }
    : { revision: result.revision, digest: result.digest, path: result.path, files: result.files, annotations: { ...result.annotations } }
  printResult(io, { format, data, text: () => JSON.stringify(data, null, 2) })
  return EXIT_OK
}
