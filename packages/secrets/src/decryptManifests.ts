import type { KubeObject } from '@gitops-sdk/core'
import { decrypt } from './decrypt.js'
import { decryptObject } from './decryptObject.js'
import { SopsError } from './errors.js'
import { coreMain } from './internal/coreMain.js'
import { formatForPath } from './formatForPath.js'
import { isKubeMap, setOwn } from '@gitops-sdk/core/light'
import type { KeyOptions, SopsFormat } from './types.js'

/** The annotation with which an object opts out of decryption, as in Flux. */
export const DECRYPT_ANNOTATION = 'kustomize.toolkit.fluxcd.io/decrypt'

/** Options of {@link decryptManifests}. */
export interface DecryptManifestsOptions extends KeyOptions {
  /** Cancels the operation: it stops promptly and rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
}

// How Flux's kustomize-controller recognises a sops file inside a Secret data value.
const MARKERS: readonly (readonly [SopsFormat, string])[] = [
  ['yaml', 'mac: ENC['],
  ['dotenv', 'sops_mac=ENC['],
  ['ini', '[sops]'],
  ['json', '"mac": "ENC['],
]

/**
 * Whether an object claims to be sops-encrypted: it has a `sops` field, as Flux tests. Its metadata
 * is checked by the decryption, so a `sops` block without a MAC, or a broken one, is rejected
 * rather than passed on with its values still encrypted.
 */
function hasSops(object: KubeObject): boolean {
  return object.sops !== undefined && object.sops !== null
}

function disabled(object: KubeObject): boolean {
  return object.metadata.annotations?.[DECRYPT_ANNOTATION]?.toLowerCase() === 'disabled'
}

async function decryptSecretData(object: KubeObject, options: DecryptManifestsOptions): Promise<KubeObject> {
  const data = object.data
  if (!isKubeMap(data)) return object
  let changed = false
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(data)) {
    if (typeof value !== 'string') return object
    setOwn(out, key, value)
    const bytes = Buffer.from(value, 'base64')
    if (bytes.toString('base64') !== value.replace(/\s+/g, '')) continue
    const text = bytes.toString('latin1')
    const format = MARKERS.find(([, marker]) => text.includes(marker))?.[0]
    if (format === undefined) continue
    const { formatRef, refOf } = await coreMain()
    const source = `${formatRef(refOf(object))}: data.${key}`
    const plain = await decrypt(bytes, { ...options, format, outputFormat: formatForPath(key), source })
    setOwn(out, key, Buffer.from(plain).toString('base64'))
    changed = true
  }
  return changed ? { ...object, data: out } : object
}

/**
 * Decrypts the sops-encrypted objects of a render result, as Flux's kustomize-controller does
 * before applying: an object carrying `sops` metadata is decrypted whole (and rejected when that
 * metadata is incomplete, a missing MAC included), and a Secret's
 * `data` values that are themselves sops files (a `secretGenerator` fed encrypted files) are
 * decrypted into the format of their key. An object annotated
 * `kustomize.toolkit.fluxcd.io/decrypt: disabled` is passed through untouched. Returns new
 * objects; the input is not modified.
 *
 * Unlike Flux, the MAC is always verified. kustomize transformers that rewrite a field the MAC
 * covers (`namespace`, `namePrefix`, `labels`, …) make it fail: encrypt such manifests with
 * `encryptedRegex: '^(data|stringData)$'` and `macOnlyEncrypted: true`, so the MAC covers only
 * the secret values.
 *
 * @throws the codes of {@link decrypt}, naming the object (`Secret/apps/db`) and the data key.
 * @example
 * ```ts
 * const objects = await decryptManifests(await render('clusters/prod', { fs }), { identities })
 * ```
 */
export async function decryptManifests(objects: readonly KubeObject[], options: DecryptManifestsOptions): Promise<KubeObject[]> {
  const given: unknown = objects
  if (!Array.isArray(given)) throw new TypeError('decryptManifests: objects must be an array')
  const out: KubeObject[] = []
  for (const object of objects) {
    options.signal?.throwIfAborted()
    if (disabled(object)) {
      out.push(object)
    } else if (hasSops(object)) {
      // Core's object model from its main entry, on first use: `gitops decrypt` never needs it.
      const { formatRef, isKubeObject, refOf } = await coreMain()
      const plain = await decryptObject(object, { ...options, source: formatRef(refOf(object)) })
      if (!isKubeObject(plain)) {
        throw new SopsError({
          code: 'SOPS_INPUT_INVALID',
          message: `${formatRef(refOf(object))}: decrypted object is not a Kubernetes object`,
          details: { object: formatRef(refOf(object)) },
        })
      }
      out.push(plain)
    } else if (object.kind === 'Secret') {
      out.push(await decryptSecretData(object, options))
    } else {
      out.push(object)
    }
  }
  return out
}
