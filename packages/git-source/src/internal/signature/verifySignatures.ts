// Flux's `spec.verify`: the commit, the tag, or both must carry a signature one of the trusted keys
// made, or the fetch ends before anything is built, cached as the last revision, or checked out.
import type { Key } from 'openpgp'
import { GitSourceError } from '../../errors.js'
import type { GitVerification, VerifiedSignature } from '../../types.js'
import type { ObjectStore } from '../objectStore.js'
import type { ResolvedRef } from '../resolveRef.js'
import { OpenPgpFormatError, openPgpFingerprint, readOpenPgpKeys, verifyOpenPgp } from './openpgpVerify.js'
import { commitSignature, tagSignature } from './signedPayload.js'
import type { SignedPayload } from './signedPayload.js'
import { isSshArmor, parseSshPublicKeys, parseSshSig, sshFingerprint, SshSigFormatError, verifySshSig } from './sshsig.js'

/** The trusted keys of a `verify` option, parsed once per fetch. */
export interface TrustedKeys {
  readonly openpgp: readonly Key[]
  readonly ssh: readonly Buffer[]
  /** Every key's fingerprint, as errors name them. */
  readonly fingerprints: readonly string[]
}

const pgpArmor = '-----BEGIN PGP PUBLIC KEY BLOCK-----'

/** Parses the keys of `verify`; a key that does not parse is `GIT_INVALID_OPTION`. */
export async function readTrustedKeys(url: string, verify: GitVerification): Promise<TrustedKeys> {
  const openpgp: Key[] = []
  const ssh: Buffer[] = []
  for (const [i, entry] of verify.keys.entries()) {
    const text = typeof entry === 'string' ? entry : new TextDecoder().decode(entry)
    try {
      if (text.includes(pgpArmor)) openpgp.push(...(await readOpenPgpKeys(text)))
      else ssh.push(...parseSshPublicKeys(text))
    } catch (err) {
      // Format errors of either parser, or node:crypto refusing a key's numbers.
      if (!(err instanceof OpenPgpFormatError || err instanceof SshSigFormatError || err instanceof Error)) throw err
      throw new GitSourceError({
        code: 'GIT_INVALID_OPTION',
        message: `${url}: verify.keys[${i}] is neither an armored OpenPGP public key block nor SSH public keys: ${err.message}`,
        details: { url, key: i },
        cause: err,
      })
    }
  }
  if (openpgp.length === 0 && ssh.length === 0) {
    throw new GitSourceError({ code: 'GIT_INVALID_OPTION', message: `${url}: verify.keys holds no key`, details: { url } })
  }
  return { openpgp, ssh, fingerprints: [...openpgp.map(openPgpFingerprint), ...ssh.map(sshFingerprint)] }
}

/** Whether `mode` verifies a tag, and whether it verifies the commit. */
export function modeParts(mode: GitVerification['mode']): { tag: boolean; head: boolean } {
  const m = mode ?? 'HEAD'
  return { tag: m === 'Tag' || m === 'TagAndHEAD', head: m === 'HEAD' || m === 'head' || m === 'TagAndHEAD' }
}

interface Subject {
  readonly url: string
  readonly object: 'commit' | 'tag'
  readonly id: string
  readonly tag: string | undefined
  readonly keys: TrustedKeys
}

function describe(subject: Subject): string {
  return subject.object === 'tag' ? `tag ${subject.tag ?? subject.id} (${subject.id})` : `commit ${subject.id}`
}

type SignatureCode = 'GIT_SIGNATURE_MISSING' | 'GIT_SIGNATURE_INVALID' | 'GIT_SIGNATURE_MALFORMED'

/** What went wrong with a subject's signature: a code, the words after the subject, more details, the cause. */
interface Failure {
  readonly code: SignatureCode
  readonly what: string
  readonly extra?: Record<string, string> | undefined
  readonly cause?: unknown
}

function failure(subject: Subject, { code, what, extra = {}, cause }: Failure): GitSourceError {
  const tried = subject.keys.fingerprints
  return new GitSourceError({
    code,
    message: `${subject.url}: ${describe(subject)} ${what}; keys tried: ${tried.join(', ')}`,
    details: { url: subject.url, object: subject.object, id: subject.id, ...(subject.tag === undefined ? {} : { tag: subject.tag }), fingerprints: [...tried], ...extra },
    cause,
  })
}

async function verifyOne(signed: SignedPayload | undefined, subject: Subject, date: Date): Promise<VerifiedSignature> {
  const base = { object: subject.object, id: subject.id, ...(subject.tag === undefined ? {} : { tag: subject.tag }) }
  if (signed === undefined) throw failure(subject, { code: 'GIT_SIGNATURE_MISSING', what: 'is not signed' })
  if (isSshArmor(signed.signature)) {
    let sig
    try {
      sig = parseSshSig(signed.signature)
    } catch (err) {
      throw failure(subject, { code: 'GIT_SIGNATURE_MALFORMED', what: `has an SSH signature that does not parse: ${(err as Error).message}`, cause: err })
    }
    const signer = sshFingerprint(sig.publicKey)
    if (!subject.keys.ssh.some((key) => key.equals(sig.publicKey))) {
      throw failure(subject, { code: 'GIT_SIGNATURE_INVALID', what: `is signed by SSH key ${signer}, which is not a trusted key`, extra: { signer } })
    }
    if (sig.namespace !== 'git') {
      throw failure(subject, { code: 'GIT_SIGNATURE_INVALID', what: `has an SSH signature in namespace "${sig.namespace}", not "git"`, extra: { signer } })
    }
    let valid: boolean
    try {
      valid = verifySshSig(sig, signed.payload, 'git')
    } catch (err) {
      throw failure(subject, { code: 'GIT_SIGNATURE_MALFORMED', what: `has an SSH signature that cannot be checked: ${(err as Error).message}`, extra: { signer }, cause: err })
    }
    if (!valid) throw failure(subject, { code: 'GIT_SIGNATURE_INVALID', what: `has an SSH signature by ${signer} that does not match its content`, extra: { signer } })
    return { ...base, format: 'ssh', fingerprint: signer }
  }
  if (!signed.signature.startsWith('-----BEGIN PGP ')) {
    throw failure(subject, { code: 'GIT_SIGNATURE_MALFORMED', what: 'has a signature in a format that is neither OpenPGP nor SSH' })
  }
  let outcome
  try {
    outcome = await verifyOpenPgp({ signature: signed.signature, payload: signed.payload, keys: subject.keys.openpgp, date })
  } catch (err) {
    if (!(err instanceof OpenPgpFormatError)) throw err
    throw failure(subject, { code: 'GIT_SIGNATURE_MALFORMED', what: `has an OpenPGP signature that does not parse: ${err.message}`, cause: err })
  }
  if (!outcome.verified) {
    throw failure(subject, { code: 'GIT_SIGNATURE_INVALID', what: `has an OpenPGP signature no trusted key verifies: ${outcome.reason}`, extra: outcome.issuer === undefined ? {} : { issuer: outcome.issuer } })
  }
  return { ...base, format: 'openpgp', fingerprint: outcome.fingerprint }
}

/** What {@link verifySignatures} checks. */
export interface VerifyRequest {
  readonly url: string
  readonly resolved: ResolvedRef
  readonly commit: string
  readonly store: ObjectStore
  readonly verify: GitVerification
  readonly keys: TrustedKeys
  readonly date: Date
}

/**
 * Verifies what `verify.mode` asks for; throws `GIT_SIGNATURE_MISSING`, `GIT_SIGNATURE_INVALID` or
 * `GIT_SIGNATURE_MALFORMED` naming the object and the fingerprints tried.
 */
export async function verifySignatures(request: VerifyRequest): Promise<VerifiedSignature[]> {
  const { url, resolved, commit, store, keys, date } = request
  const parts = modeParts(request.verify.mode)
  const verified: VerifiedSignature[] = []
  if (parts.tag) {
    const tag = resolved.fullRef?.startsWith('refs/tags/') === true ? resolved.fullRef.slice('refs/tags/'.length) : undefined
    if (tag === undefined) {
      throw new GitSourceError({ code: 'GIT_INVALID_OPTION', message: `${url}: verify mode ${request.verify.mode} needs a tag reference (ref.tag, ref.semver or a ref.name under refs/tags/)`, details: { url } })
    }
    const object = store.read(resolved.want)
    const subject: Subject = { url, object: 'tag', id: resolved.want, tag, keys }
    // A lightweight tag is a bare ref to the commit: there is no tag object to carry a signature.
    if (object.type !== 'tag') throw failure(subject, { code: 'GIT_SIGNATURE_MISSING', what: 'is a lightweight tag, which cannot be signed' })
    verified.push(await verifyOne(tagSignature(object.data), subject, date))
  }
  if (parts.head) {
    const object = store.read(commit)
    verified.push(await verifyOne(commitSignature(object.data), { url, object: 'commit', id: commit, tag: undefined, keys }, date))
  }
  return verified
}
