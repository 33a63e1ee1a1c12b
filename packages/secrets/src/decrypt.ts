import { decryptLoaded, loadEncrypted, storeFor, toBytes } from './internal/sopsFile.js'
import type { KeyOptions, SopsFormat } from './types.js'

/** Options of {@link decrypt}. */
export interface DecryptOptions extends KeyOptions {
  /** The store the input is in. */
  readonly format: SopsFormat
  /** The store to print the plaintext in (`json` prints any tree as JSON, like `sops --output-type json`). @defaultValue `format` */
  readonly outputFormat?: SopsFormat | undefined
  /** Where the input came from, named in errors. @defaultValue `'<input>'` */
  readonly source?: string | undefined
  /** Cancels the operation: it stops promptly and rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
}

/**
 * Decrypts a sops file and returns its plaintext, byte for byte as `sops decrypt` prints it. The
 * MAC is always verified. The plaintext exists only in the returned bytes.
 *
 * @throws `SOPS_METADATA_NOT_FOUND`, `SOPS_METADATA_INVALID`, `SOPS_NO_MATCHING_KEY`,
 * `SOPS_SHAMIR_THRESHOLD_NOT_MET`, `SOPS_VALUE_AUTH_FAILED`, `SOPS_BAD_VALUE_FORMAT`,
 * `SOPS_MAC_MISMATCH`, `SOPS_MAC_UNDECRYPTABLE`, `SOPS_INPUT_INVALID`, `SOPS_UNSUPPORTED_FORMAT`.
 * @example
 * ```ts
 * const identities = await parseIdentities(await readFile('keys.txt', 'utf8'))
 * const plain = await decrypt(await readFile('secret.enc.yaml'), { format: 'yaml', identities })
 * const text = new TextDecoder().decode(plain)
 * ```
 */
export async function decrypt(input: string | Uint8Array, options: DecryptOptions): Promise<Uint8Array> {
  const source = options.source ?? '<input>'
  const outputFormat = options.outputFormat ?? options.format
  const output = storeFor(outputFormat, source)
  options.signal?.throwIfAborted()
  const loaded = loadEncrypted(toBytes(input), options.format, source)
  const raw = outputFormat === 'binary'
  const { branches } = await decryptLoaded(loaded, { ...options, raw }, source)
  return output.emit(branches)
}
