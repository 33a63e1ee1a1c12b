// Where git keeps a signature and which bytes it covers, as `git verify-commit` and
// `git verify-tag` read them: a commit carries it in a `gpgsig` header (continuation lines start
// with a space) and the payload is the object without that header; a tag carries it after its
// message and the payload is everything before it.

/** A signature and the bytes it signs, or `undefined` for an unsigned object. */
export interface SignedPayload {
  readonly signature: string
  readonly payload: Buffer
}

const signatureStarts = ['-----BEGIN PGP SIGNATURE-----', '-----BEGIN PGP MESSAGE-----', '-----BEGIN SSH SIGNATURE-----']

/** The `gpgsig` of a commit object and the commit without it. */
export function commitSignature(data: Buffer): SignedPayload | undefined {
  const end = data.indexOf('\n\n')
  const headerEnd = end < 0 ? data.byteLength : end + 1
  const lines = data.subarray(0, headerEnd).toString('latin1').split('\n')
  const kept: string[] = []
  const signature: string[] = []
  let inSignature = false
  let found = false
  for (const line of lines) {
    if (inSignature && line.startsWith(' ')) {
      signature.push(line.slice(1))
      continue
    }
    inSignature = false
    // SHA-1 repositories sign in `gpgsig`; `gpgsig-sha256` is the SHA-256 twin, not ours to check.
    if (!found && line.startsWith('gpgsig ')) {
      found = true
      inSignature = true
      signature.push(line.slice('gpgsig '.length))
      continue
    }
    kept.push(line)
  }
  if (!found) return undefined
  const payload = Buffer.concat([Buffer.from(kept.join('\n'), 'latin1'), data.subarray(headerEnd)])
  return { signature: `${signature.join('\n')}\n`, payload }
}

/** The signature at the end of a tag object's message and the tag before it. */
export function tagSignature(data: Buffer): SignedPayload | undefined {
  const text = data.toString('latin1')
  const headerEnd = text.indexOf('\n\n')
  if (headerEnd < 0) return undefined
  let at = -1
  for (const start of signatureStarts) {
    const i = text.indexOf(`\n${start}`, headerEnd)
    if (i >= 0 && (at < 0 || i < at)) at = i
  }
  if (at < 0) return undefined
  return { signature: text.slice(at + 1), payload: data.subarray(0, at + 1) }
}
