// Option and result types shared by the verbs of @gitops-sdk/secrets.

/** The five sops stores. `binary` wraps any file as `{"data": …}` in JSON. */
export type SopsFormat = 'yaml' | 'json' | 'dotenv' | 'ini' | 'binary'

/** The kinds of age identity this package opens stanzas with. */
export type AgeIdentityKind = 'x25519' | 'hybrid' | 'ssh-ed25519' | 'ssh-rsa'

/**
 * A parsed age identity (private key). Its secret lives in a non-enumerable field, so that
 * printing or serialising an identity shows only its kind and public recipient.
 */
export interface AgeIdentity {
  /** The key type: X25519 (`age1…`), post-quantum hybrid, or an SSH key. */
  readonly kind: AgeIdentityKind
  /** The public recipient of this identity: `age1…`, `age1pq1…`, or `ssh-ed25519 AAAA…`/`ssh-rsa AAAA…`. */
  readonly recipient: string
}

/** One age stanza of a header, as age-encryption hands it to identities and takes it from recipients. */
export interface AgeStanza {
  /** The stanza's arguments after its type (e.g. the ephemeral share). */
  readonly args: string[]
  /** The stanza's body: the wrapped file key. */
  readonly body: Uint8Array
}

/**
 * Which values sops encrypts. At most one selector may be set; with none, sops' default
 * `unencryptedSuffix: '_unencrypted'` applies. Regular expressions are Go RE2 syntax (searched, not
 * anchored), as sops reads them.
 */
export interface EncryptionRules {
  /** Values under a key ending in this suffix stay in plaintext. */
  readonly unencryptedSuffix?: string | undefined
  /** Only values under a key ending in this suffix are encrypted. */
  readonly encryptedSuffix?: string | undefined
  /** Values under a key matching this expression stay in plaintext. */
  readonly unencryptedRegex?: string | undefined
  /** Only values under a key matching this expression are encrypted (`^(data|stringData)$` for Secrets). */
  readonly encryptedRegex?: string | undefined
  /** Values after a comment matching this expression stay in plaintext. */
  readonly unencryptedCommentRegex?: string | undefined
  /** Only values after a comment matching this expression are encrypted. */
  readonly encryptedCommentRegex?: string | undefined
  /** The MAC covers only encrypted values, so plaintext ones may change. @defaultValue false */
  readonly macOnlyEncrypted?: boolean | undefined
}

/**
 * One master key entry of a file's metadata (an element of `sops.age`, `sops.pgp`, `sops.kms`, …)
 * as plain data: strings for every field sops writes.
 */
export type MasterKeyEntry = Readonly<Record<string, string>>

/**
 * The seam for master key types other than age (PGP, AWS/GCP/Azure KMS, Vault, …). A provider
 * recovers the data key (or, with several key groups, that group's Shamir share) from one entry
 * of its metadata list, and can wrap a data key for a new entry when it is used to encrypt.
 *
 * sops tries, within each key group, age first, then PGP, then the other types; a provider is
 * tried for the entries of its `type` in that order.
 *
 * @example
 * ```ts
 * const vault: KeyProvider = {
 *   type: 'hc_vault',
 *   async unwrap(entry, { signal }) {
 *     const res = await fetch(`${entry.vault_address}/v1/${entry.engine_path}/decrypt/${entry.key_name}`,
 *       { method: 'POST', body: JSON.stringify({ ciphertext: entry.enc }), signal })
 *     return res.ok ? Buffer.from((await res.json()).data.plaintext, 'base64') : undefined
 *   },
 * }
 * await decrypt(text, { format: 'yaml', keyProviders: [vault] })
 * ```
 */
export interface KeyProvider {
  /** The metadata list this provider handles: `pgp`, `kms`, `gcp_kms`, `azure_kv`, `hc_vault`, `hckms`, … */
  readonly type: string
  /**
   * Recovers the key bytes wrapped in `entry`, or `undefined` when this provider cannot (no access,
   * not its key). Throwing is reserved for failures the caller must see (an abort: `signal.reason`).
   */
  unwrap(entry: MasterKeyEntry, context: { readonly signal?: AbortSignal | undefined }): Promise<Uint8Array | undefined>
  /**
   * Wraps key bytes and returns the entry to store; needed only to encrypt, rotate or update keys.
   * `recipient` is what the caller named in a {@link KeyGroup}, or the existing entry when a file's
   * keys are re-wrapped.
   */
  wrap?(
    key: Uint8Array,
    recipient: string | MasterKeyEntry,
    context: { readonly signal?: AbortSignal | undefined },
  ): Promise<MasterKeyEntry>
}

/** How the data key is recovered: age identities, other key providers, or both. */
export interface KeyOptions {
  /** age identities to try on every `age` stanza (see {@link parseIdentities}, {@link loadIdentitiesFromEnv}). */
  readonly identities?: readonly AgeIdentity[] | undefined
  /** Providers for the other master key types. */
  readonly keyProviders?: readonly KeyProvider[] | undefined
}

/** Recipients of one key group when encrypting. */
export interface KeyGroup {
  /** age recipients: `age1…`, `age1pq1…`, `ssh-ed25519 AAAA…`, `ssh-rsa AAAA…`. */
  readonly age?: readonly string[] | undefined
  /** Recipients of other key types, by metadata list name, wrapped through a {@link KeyProvider}. */
  readonly other?: Readonly<Record<string, readonly string[]>> | undefined
}
