/** A new age key pair: the secret identity string and its public recipient. */
export interface GeneratedIdentity {
  /** `AGE-SECRET-KEY-1…` or `AGE-SECRET-KEY-PQ-1…`: keep it secret. */
  readonly secretKey: string
  /** `age1…` or `age1pq1…`. */
  readonly recipient: string
}

/**
 * Generates a new age identity, X25519 by default or post-quantum hybrid (ML-KEM-768 + X25519,
 * which sops >= 3.12 reads), for tests and for set-up scripts.
 *
 * @example
 * ```ts
 * const { secretKey, recipient } = await generateIdentity()
 * const text = await encrypt('password: hunter2\n', { format: 'yaml', recipients: [recipient] })
 * ```
 */
export async function generateIdentity(options: { readonly kind?: 'x25519' | 'hybrid' | undefined } = {}): Promise<GeneratedIdentity> {
  const { generateHybridIdentity, generateX25519Identity, identityToRecipient } = await import('age-encryption')
  const secretKey = options.kind === 'hybrid' ? await generateHybridIdentity() : await generateX25519Identity()
  return { secretKey, recipient: await identityToRecipient(secretKey) }
}
