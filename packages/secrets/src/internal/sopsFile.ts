// Loading, decrypting and writing whole sops files, shared by the public verbs (FORMAT.md §11, §12).
import { timingSafeEqual } from 'node:crypto'
import { SopsError } from '../errors.js'
import type { KeyOptions, SopsFormat } from '../types.js'
import { decryptValue, encryptValue } from './cipher.js'
import { recoverDataKey } from './dataKey.js'
import { formatRfc3339 } from '@gitops-sdk/core/go'
import { macAad, readMetadata, writeMetadata } from './metadata.js'
import type { Metadata } from './metadata.js'
import { compileRules } from './rules.js'
import type { CompiledRules } from './rules.js'
import { binaryStore } from './stores/binary.js'
import { dotenvStore } from './stores/dotenv.js'
import { iniStore } from './stores/ini.js'
import { jsonStore } from './stores/json.js'
import type { Store } from './stores/store.js'
import { yamlStore } from './stores/yaml.js'
import type { Branches } from './tree.js'
import { decryptBranches, encryptBranches } from './walk.js'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** sops' format version written into new files. */
export const SOPS_VERSION = '3.13.2'

const STORES: Record<SopsFormat, Store> = { yaml: yamlStore, json: jsonStore, dotenv: dotenvStore, ini: iniStore, binary: binaryStore }

export function storeFor(format: SopsFormat, subject: string): Store {
  const store = (STORES as Partial<Record<string, Store>>)[format]
  if (store === undefined) {
    throw new SopsError({
      code: 'SOPS_UNSUPPORTED_FORMAT',
      message: `${subject}: unknown format ${JSON.stringify(format)} (yaml, json, dotenv, ini or binary)`,
      details: { subject, format },
    })
  }
  return store
}

/** The store that writes an encrypted file of `format` (the binary store writes its JSON envelope). */
export function encryptedStoreFor(format: SopsFormat, subject: string): Store {
  return format === 'binary' ? jsonStore : storeFor(format, subject)
}

export function toBytes(input: string | Uint8Array): Uint8Array {
  if (typeof input === 'string') return encoder.encode(input)
  if (input instanceof Uint8Array) return input
  throw new TypeError('input must be a string or a Uint8Array')
}

export interface Loaded {
  readonly branches: Branches
  readonly metadata: Metadata
  readonly rules: CompiledRules
}

/** Parses an encrypted file and takes its metadata out. @throws `SOPS_INPUT_INVALID`, `SOPS_METADATA_*` */
export function loadEncrypted(input: Uint8Array, format: SopsFormat, source: string): Loaded {
  const store = storeFor(format, source)
  const branches = store.parse(input, source)
  const node = store.extract(branches, source)
  if (node === undefined) {
    throw new SopsError({ code: 'SOPS_METADATA_NOT_FOUND', message: `${source}: no sops metadata; the file is not encrypted with sops`, details: { source } })
  }
  return fromMetadataNode(branches, readMetadata(node, source), source)
}

export function fromMetadataNode(branches: Branches, metadata: Metadata, source: string): Loaded {
  return { branches, metadata, rules: compileRules(metadata.rules, source) }
}

export interface DecryptedFile {
  readonly branches: Branches
  readonly dataKey: Uint8Array
}

/**
 * Decrypts a loaded file in place and verifies its MAC.
 *
 * @throws `SOPS_NO_MATCHING_KEY`, `SOPS_SHAMIR_THRESHOLD_NOT_MET`, `SOPS_VALUE_AUTH_FAILED`,
 * `SOPS_BAD_VALUE_FORMAT`, `SOPS_MAC_UNDECRYPTABLE`, `SOPS_MAC_MISMATCH`.
 */
export async function decryptLoaded(
  loaded: Loaded,
  options: KeyOptions & {
    readonly signal?: AbortSignal | undefined
    readonly raw?: boolean | undefined
    readonly dataKey?: Uint8Array | undefined
    readonly verifyMac?: boolean | undefined
  },
  source: string,
): Promise<DecryptedFile> {
  const dataKey = options.dataKey ?? (await recoverDataKey(loaded.metadata, options, source))
  options.signal?.throwIfAborted()
  const computed = decryptBranches(loaded.branches, {
    key: dataKey,
    rules: loaded.rules,
    macOnlyEncrypted: loaded.metadata.rules.macOnlyEncrypted === true,
    source,
    raw: options.raw,
  })
  if (options.verifyMac !== false) verifyMac(loaded.metadata, { dataKey, computed }, source)
  return { branches: loaded.branches, dataKey }
}

function verifyMac(metadata: Metadata, { dataKey, computed }: { dataKey: Uint8Array; computed: string }, source: string): void {
  const stored = decryptValue(metadata.mac, dataKey, macAad(metadata))
  if (typeof stored === 'string') {
    throw new SopsError({
      code: 'SOPS_MAC_UNDECRYPTABLE',
      message: `${source}: the MAC cannot be decrypted; lastmodified or the MAC was changed`,
      details: { source },
    })
  }
  const expected = decoder.decode(stored.plaintext)
  if (expected === '') {
    throw new SopsError({ code: 'SOPS_MAC_MISMATCH', message: `${source}: the file has no MAC`, details: { source } })
  }
  const a = encoder.encode(expected)
  const b = encoder.encode(computed)
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new SopsError({
      code: 'SOPS_MAC_MISMATCH',
      message: `${source}: MAC mismatch; the file changed after it was encrypted`,
      details: { source },
    })
  }
}

/** Now as sops writes `lastmodified`: RFC 3339, UTC, seconds. */
export function lastModified(now: Date): string {
  return formatRfc3339({
    year: now.getUTCFullYear(),
    month: now.getUTCMonth() + 1,
    day: now.getUTCDate(),
    hour: now.getUTCHours(),
    minute: now.getUTCMinutes(),
    second: now.getUTCSeconds(),
    fraction: '',
    offset: 0,
  })
}

/** Encrypts plaintext documents in place under `metadata`'s rules and returns them with the metadata inserted. */
export function sealBranches(
  branches: Branches,
  metadata: Metadata,
  { dataKey, store, source }: { readonly dataKey: Uint8Array; readonly store: Store; readonly source: string },
): Branches {
  const rules = compileRules(metadata.rules, source)
  const mac = encryptBranches(branches, { key: dataKey, rules, macOnlyEncrypted: metadata.rules.macOnlyEncrypted === true, source })
  const sealed: Metadata = { ...metadata, mac: encryptValue(encoder.encode(mac), 'str', { key: dataKey, aad: macAad(metadata) }) }
  return store.insert(branches, writeMetadata(sealed))
}
