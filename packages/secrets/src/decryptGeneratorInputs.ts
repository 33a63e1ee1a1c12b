import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import { isKubeMap, normalizePath } from '@gitops-sdk/core/light'
import type { FileSystem } from '@gitops-sdk/core/light'
import { decrypt } from './decrypt.js'
import { DEFAULT_MAX_FILE_SIZE, readCapped } from './decryptFile.js'
import { SopsError } from './errors.js'
import { coreMain } from './internal/coreMain.js'
import { formatForPath } from './formatForPath.js'
import type { KeyOptions, SopsFormat } from './types.js'

/** Options of {@link decryptGeneratorInputs}. */
export interface DecryptGeneratorInputsOptions extends KeyOptions {
  /** The render root; every path read is inside it. */
  readonly fs: FileSystem
  /** Largest file read, in bytes. @defaultValue 5 MiB */
  readonly maxFileSize?: number | undefined
  /** Cancels the operation: it stops promptly and rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
}

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization']
// The bytes Flux's kustomize-controller looks for before it decrypts a file of each format.
const MARKER: Record<SopsFormat, string> = {
  yaml: 'mac: ENC[',
  json: '"mac": "ENC[',
  binary: '"mac": "ENC[',
  dotenv: 'sops_mac=ENC[',
  ini: '[sops]',
}

function strings(value: KubeValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}

function maps(value: KubeValue | undefined): KubeMap[] {
  return Array.isArray(value) ? value.filter(isKubeMap) : []
}

function isRemote(path: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(path) || path.startsWith('git@') || /^github\.com\//.test(path)
}

function join(dir: string, path: string): string {
  try {
    return normalizePath(dir === '' ? path : `${dir}/${path}`)
  } catch (cause) {
    throw new SopsError({ code: 'SOPS_PATH_ESCAPES_ROOT', message: `${dir}: ${path} leads outside the root`, details: { dir, path }, cause })
  }
}

/** The files a kustomization's generators and patches read, each with the store to decrypt it as. */
function inputsOf(k: KubeMap, dir: string): { path: string; format: SopsFormat }[] {
  const inputs: { path: string; format: SopsFormat }[] = []
  for (const gen of [...maps(k.secretGenerator), ...maps(k.configMapGenerator)]) {
    for (const source of strings(gen.files)) {
      const eq = source.indexOf('=')
      const key = eq < 0 ? source : source.slice(0, eq)
      const path = eq < 0 ? source : source.slice(eq + 1)
      // Like Flux, the format follows the key, so `.dockerconfigjson=…` is JSON.
      inputs.push({ path: join(dir, path), format: formatForPath(key) })
    }
    const envs = [...strings(gen.envs), ...(typeof gen.env === 'string' ? [gen.env] : [])]
    for (const env of envs) {
      const format = formatForPath(env)
      inputs.push({ path: join(dir, env), format: format === 'binary' ? 'dotenv' : format })
    }
  }
  const patchPaths = [...maps(k.patches).map((p) => p.path), ...strings(k.patchesStrategicMerge).filter((p) => !p.includes('\n'))]
  for (const path of patchPaths) {
    if (typeof path === 'string' && path !== '' && !isRemote(path)) inputs.push({ path: join(dir, path), format: formatForPath(path) })
  }
  return inputs
}

/**
 * Decrypts the sops-encrypted files that `secretGenerator` and `configMapGenerator` (`files`,
 * `envs`) and patches read, in the kustomization at `path` and every local base and component it
 * refers to, as Flux's kustomize-controller does before it builds. Files are read through `fs`
 * (so never outside its root) up to a size cap; files without sops metadata are left alone. The
 * plaintext is returned in memory only, path → bytes, ready for core's `overlayFs`.
 *
 * @throws `SOPS_PATH_ESCAPES_ROOT`, `SOPS_FILE_TOO_LARGE`, `SOPS_INPUT_INVALID` (a kustomization
 * that does not parse), and the codes of {@link decrypt} naming the file.
 * @example
 * ```ts
 * const fs = nodeFs('/srv/fleet')
 * const plain = await decryptGeneratorInputs('clusters/prod', { fs, identities })
 * const objects = await render('clusters/prod', { fs: overlayFs(fs, plain) })
 * ```
 */
export async function decryptGeneratorInputs(path: string, options: DecryptGeneratorInputsOptions): Promise<Map<string, Uint8Array>> {
  if (typeof path !== 'string') throw new TypeError('decryptGeneratorInputs: path must be a string')
  const { fs } = options
  const max = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE
  const out = new Map<string, Uint8Array>()
  const visited = new Set<string>()
  const visit = async (dir: string): Promise<void> => {
    if (visited.has(dir)) return
    visited.add(dir)
    options.signal?.throwIfAborted()
    if ((await fs.stat(dir))?.type !== 'directory') return
    let file: string | undefined
    for (const name of KUSTOMIZATION_FILES) {
      const candidate = dir === '' ? name : `${dir}/${name}`
      if ((await fs.stat(candidate))?.type === 'file') {
        file = candidate
        break
      }
    }
    if (file === undefined) return
    const text = new TextDecoder().decode(await readCapped(fs, file, max))
    let kustomization: KubeValue
    // Core's YAML reader from its main entry, when a kustomization is read: not at load.
    const { parseDocuments } = await coreMain()
    try {
      kustomization = parseDocuments(text, { source: file })[0]?.value ?? null
    } catch (cause) {
      throw new SopsError({ code: 'SOPS_INPUT_INVALID', message: `${file}: cannot parse the kustomization`, details: { path: file }, cause })
    }
    if (!isKubeMap(kustomization)) return
    for (const input of inputsOf(kustomization, dir)) {
      if (out.has(input.path)) continue
      const bytes = await readCapped(fs, input.path, max)
      if (bytes === undefined || !Buffer.from(bytes).includes(MARKER[input.format])) continue
      out.set(input.path, await decrypt(bytes, { ...options, format: input.format, source: input.path }))
    }
    for (const ref of [...strings(kustomization.resources), ...strings(kustomization.components)]) {
      if (isRemote(ref)) continue
      let target: string
      try {
        target = join(dir, ref)
      } catch {
        continue // a base outside the root: render refuses it, as Flux ignores it here
      }
      await visit(target)
    }
  }
  await visit(join('', path))
  return out
}
