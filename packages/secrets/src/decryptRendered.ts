// SOPS decryption of built objects with the MAC verified wherever it can hold. kustomize rewrites
// plaintext fields the MAC covers (namespace, labels, prefixes), so after the build the MAC of an
// encrypted Secret often cannot hold; Flux then decrypts without it. Here such an object is
// checked against the encrypted document as it is in the source, whose MAC must hold, and only
// when no such document exists is it decrypted unverified (reported) or refused (strict).
import type { FileSystem, KubeObject, KubeValue, ObjectRef } from '@gitops-sdk/core'
import { DECRYPT_ANNOTATION, decryptManifests } from './decryptManifests.js'
import { decryptObject } from './decryptObject.js'
import { SopsError } from './errors.js'
import { coreMain } from './internal/coreMain.js'
import { isKubeMap } from '@gitops-sdk/core/light'
import type { KeyOptions } from './types.js'
import { findSourceDocuments } from './internal/sourceDocuments.js'
import type { SourceDocument } from './internal/sourceDocuments.js'

/**
 * What to do with an encrypted object whose MAC does not hold after the build and that matches no
 * verified document of the source: `lenient` decrypts it and reports it (Flux's behaviour, with a
 * warning); `strict` fails with `SOPS_MAC_MISMATCH` naming it.
 */
export type DecryptionIntegrity = 'lenient' | 'strict'

/** Options of {@link decryptRendered}. */
export interface DecryptRenderedOptions {
  /** age identities to open the data keys with (see `parseIdentities`). */
  readonly identities?: KeyOptions['identities']
  /** Providers for master key types other than age. */
  readonly keyProviders?: KeyOptions['keyProviders']
  /** The source the objects were built from: where encrypted documents are looked up as written. */
  readonly fs: FileSystem
  /** @defaultValue `'lenient'` */
  readonly integrity?: DecryptionIntegrity | undefined
  /** Largest source file read when looking for encrypted documents, in bytes. @defaultValue 5 MiB */
  readonly maxFileSize?: number | undefined
  /** Cancels the operation: it stops promptly and rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
}

/** The decrypted objects and how the integrity of each encrypted one was established. */
export interface DecryptedObjects {
  /** The objects, decrypted, in their order. */
  readonly objects: KubeObject[]
  /** Encrypted objects whose MAC held as built. */
  readonly verified: readonly ObjectRef[]
  /** Encrypted objects changed by the build whose encrypted values are those of a source document whose MAC holds. */
  readonly verifiedAtSource: readonly ObjectRef[]
  /** Encrypted objects decrypted without any MAC check (lenient integrity only). */
  readonly unverified: readonly ObjectRef[]
}

/**
 * Decrypts the SOPS-encrypted objects of a build, as Flux's kustomize-controller does between the
 * build and the post-build substitution, with the MAC verified wherever it can hold: as built;
 * else on the encrypted document as it is in the source (before kustomize's transformers), when
 * the built object carries exactly its encrypted values; else, with `integrity: 'lenient'`, the
 * object is decrypted without a MAC check and listed in `unverified`. Secret `data` values that
 * are SOPS files (generator inputs) are decrypted with their MAC. Objects annotated
 * `kustomize.toolkit.fluxcd.io/decrypt: disabled` are passed through.
 *
 * @throws `SOPS_MAC_MISMATCH` in strict mode for an object whose integrity cannot be verified,
 *   naming it; the codes of `decryptObject` otherwise. An abort rejects with `signal.reason`.
 * @example
 * ```ts
 * const { objects, unverified } = await decryptRendered(built, { fs, identities, integrity: 'strict' })
 * ```
 */
export async function decryptRendered(objects: readonly KubeObject[], options: DecryptRenderedOptions): Promise<DecryptedObjects> {
  const out: KubeObject[] = []
  const verified: ObjectRef[] = []
  const verifiedAtSource: ObjectRef[] = []
  const unverified: ObjectRef[] = []
  let sources: Promise<SourceDocument[]> | undefined
  const keys: KeyOptions = { identities: options.identities, keyProviders: options.keyProviders }
  for (const object of objects) {
    options.signal?.throwIfAborted()
    if (object.metadata.annotations?.[DECRYPT_ANNOTATION]?.toLowerCase() === 'disabled') {
      out.push(object)
      continue
    }
    if (object.sops === undefined || object.sops === null) {
      out.push(...(await decryptManifests([object], { ...keys, signal: options.signal })))
      continue
    }
    const { formatRef, isKubeObject, refOf } = await coreMain()
    const ref = refOf(object)
    const source = formatRef(ref)
    const decrypt = async (verifyMac: boolean): Promise<KubeObject> => {
      const plain = await decryptObject(object, { ...keys, source, verifyMac, signal: options.signal })
      if (!isKubeObject(plain)) {
        throw new SopsError({ code: 'SOPS_INPUT_INVALID', message: `${source}: decrypted object is not a Kubernetes object`, details: { object: source } })
      }
      return plain
    }
    try {
      out.push(await decrypt(true))
      verified.push(ref)
      continue
    } catch (err) {
      if (!(err instanceof SopsError) || err.code !== 'SOPS_MAC_MISMATCH') throw err
    }
    sources ??= findSourceDocuments(options.fs, { maxFileSize: options.maxFileSize, signal: options.signal })
    if (await matchesVerifiedSource(object, await sources, { ...keys, signal: options.signal })) {
      out.push(await decrypt(false))
      verifiedAtSource.push(ref)
      continue
    }
    if (options.integrity === 'strict') {
      throw new SopsError({
        code: 'SOPS_MAC_MISMATCH',
        message: `${source}: MAC mismatch after the build, and no encrypted document in the source with the same values verifies; strict decryption integrity refuses it`,
        details: { object: source },
      })
    }
    out.push(await decrypt(false))
    unverified.push(ref)
  }
  return { objects: out, verified, verifiedAtSource, unverified }
}

/**
 * Whether a source document with the object's MAC carries exactly the object's encrypted values at
 * the same paths, and its own MAC holds. Each value is authenticated by AES-GCM against its path,
 * so equal ciphertexts at equal paths decrypt to the values the source's MAC covers.
 */
async function matchesVerifiedSource(object: KubeObject, sources: readonly SourceDocument[], keys: KeyOptions & { readonly signal?: AbortSignal | undefined }): Promise<boolean> {
  const { signal } = keys
  const mac = macOf(object)
  if (mac === undefined) return false
  const values = encryptedValues(object)
  for (const doc of sources) {
    if (doc.mac !== mac || !sameSet(values, encryptedValues(doc.tree))) continue
    signal?.throwIfAborted()
    try {
      await decryptObject(doc.tree, { ...keys, source: doc.path })
      return true
    } catch (err) {
      if (signal?.aborted === true && err === signal.reason) throw err
      if (!(err instanceof SopsError)) throw err
    }
  }
  return false
}

/** The `sops.mac` of a tree, if it has one. */
function macOf(tree: Readonly<Record<string, unknown>>): string | undefined {
  const sops = tree.sops
  if (!isKubeMap(sops)) return undefined
  return typeof sops.mac === 'string' ? sops.mac : undefined
}

/** Every `ENC[…]` leaf outside `sops`, as `path=value` (paths as JSON arrays). */
function encryptedValues(tree: Readonly<Record<string, unknown>>): Set<string> {
  const out = new Set<string>()
  const walk = (value: KubeValue | undefined, path: readonly (string | number)[]): void => {
    if (typeof value === 'string') {
      if (value.startsWith('ENC[')) out.add(`${JSON.stringify(path)}=${value}`)
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, [...path, i]))
    } else if (isKubeMap(value)) {
      for (const key of Object.keys(value)) if (path.length > 0 || key !== 'sops') walk(value[key], [...path, key])
    }
  }
  walk(tree as KubeValue, [])
  return out
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size || a.size === 0) return false
  for (const v of a) if (!b.has(v)) return false
  return true
}
