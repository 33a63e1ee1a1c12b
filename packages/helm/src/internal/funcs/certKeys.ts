// Private keys as Sprig reads and writes them (parsePrivateKeyPEM and pemBlockForKey in its
// crypto.go): PKCS#1 RSA, SEC 1 EC, PKCS#8 and OpenSSL's DSA form, with Go's error messages.
import type { KeyObject } from 'node:crypto'
import { nodeCrypto } from '../lazy.js'
import { FuncError } from '../template/values.js'
import { children, integer, integerValue, pemDecode, pemEncode, readElement, sequence } from './der.js'

/** A private key with the Go type Sprig would hold it as. */
export interface PrivateKey {
  readonly key: KeyObject | undefined
  /** `*rsa.PrivateKey`, `*ecdsa.PrivateKey`, `ed25519.PrivateKey`, `*dsa.PrivateKey`, `*ecdh.PrivateKey`. */
  readonly goType: string
  /** OpenSSL's DSA form (version, p, q, g, y, x), for DSA keys Node cannot sign with here. */
  readonly dsa?: readonly bigint[] | undefined
}

const curves: Readonly<Record<string, string>> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521', secp224r1: 'P-224' }

function fromKeyObject(key: KeyObject, pkcs8: boolean): PrivateKey {
  const type = key.asymmetricKeyType
  if (type === 'rsa') return { key, goType: '*rsa.PrivateKey' }
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve ?? ''
    if (!Object.hasOwn(curves, curve)) throw new FuncError('x509: unknown elliptic curve')
    return { key, goType: '*ecdsa.PrivateKey' }
  }
  if (pkcs8 && type === 'ed25519') return { key, goType: 'ed25519.PrivateKey' }
  if (pkcs8 && type === 'x25519') return { key, goType: '*ecdh.PrivateKey' }
  throw new FuncError(`x509: PKCS#8 wrapping contained private key with unknown algorithm: ${pkcs8AlgorithmOid(key)}`)
}

function pkcs8AlgorithmOid(key: KeyObject): string {
  const der = key.export({ format: 'der', type: 'pkcs8' })
  const alg = children(readElement(der)?.content ?? Buffer.alloc(0))?.[1]
  const id = children(alg?.content ?? Buffer.alloc(0))?.[0]
  if (id === undefined) return ''
  const bytes = [...id.content]
  const arcs: bigint[] = []
  let v = 0n
  for (const b of bytes) {
    v = (v << 7n) | BigInt(b & 0x7f)
    if ((b & 0x80) === 0) {
      if (arcs.length === 0) arcs.push(v < 80n ? v / 40n : 2n, v < 80n ? v % 40n : v - 80n)
      else arcs.push(v)
      v = 0n
    }
  }
  return arcs.join('.')
}

/** The tag of each structure's second field, which tells the three forms apart as asn1 would. */
const secondTag = { pkcs1: 0x02, sec1: 0x04, pkcs8: 0x30 } as const

function parseDer(der: Buffer, type: 'pkcs1' | 'sec1' | 'pkcs8'): KeyObject {
  // OpenSSL's decoders accept one form for another; Go's parsers do not.
  const outer = readElement(der)
  const fields = outer?.tag === 0x30 ? children(outer.content) : undefined
  if (fields?.[0]?.tag !== 0x02 || fields[1]?.tag !== secondTag[type]) throw new Error(`not ${type}`)
  return nodeCrypto().createPrivateKey({ key: der, format: 'der', type })
}

/**
 * What Go's key parsers answer for DER of another key form, tried in their order; for DER of no key
 * form the answer names only asn1's failure, whose exact wording is Go's own.
 */
function wrongForm(der: Buffer, expected: 'pkcs1' | 'sec1' | 'pkcs8'): string {
  const order = { pkcs1: ['sec1', 'pkcs8'], pkcs8: ['sec1', 'pkcs1'], sec1: ['pkcs8', 'pkcs1'] } as const
  const names = { pkcs1: 'ParsePKCS1PrivateKey', pkcs8: 'ParsePKCS8PrivateKey', sec1: 'ParseECPrivateKey' } as const
  for (const form of order[expected]) {
    try {
      parseDer(der, form)
      return `x509: failed to parse private key (use ${names[form]} instead for this key format)`
    } catch {
      /* try the next form */
    }
  }
  const asn1 = `asn1: structure error${tagMismatch(der, { pkcs1: 'pkcs1PrivateKey', pkcs8: 'pkcs8', sec1: 'ecPrivateKey' }[expected])}`
  return expected === 'sec1' ? `x509: failed to parse EC private key: ${asn1}` : asn1
}

const fieldParameters = '{optional:false explicit:false application:false private:false defaultValue:<nil> tag:<nil> stringType:0 timeType:0 set:false omitEmpty:false}'

/** encoding/asn1's words for DER whose first element is not the SEQUENCE a key structure needs. */
function tagMismatch(der: Buffer, structName: string): string {
  const e = readElement(der)
  if (e === undefined || e.tag === 0x30) return ''
  const header = e.raw.length - e.content.length
  return `: tags don't match (16 vs {class:${e.tag >> 6} tag:${e.tag & 0x1f} length:${e.content.length} isCompound:${(e.tag & 0x20) !== 0}}) ${fieldParameters} ${structName} @${header}`
}

/** Sprig's parsePrivateKeyPEM, with its error messages. */
export function parsePrivateKeyPem(text: string): PrivateKey {
  const block = pemDecode(text)
  if (block === undefined) throw new FuncError('no PEM data in input')
  if (block.type === 'PRIVATE KEY') {
    let key: KeyObject
    try {
      key = parseDer(block.bytes, 'pkcs8')
    } catch {
      throw new FuncError(`decoding PEM as PKCS#8: ${wrongForm(block.bytes, 'pkcs8')}`)
    }
    try {
      return fromKeyObject(key, true)
    } catch (err) {
      throw new FuncError(`decoding PEM as PKCS#8: ${(err as Error).message}`)
    }
  }
  if (!block.type.endsWith(' PRIVATE KEY')) throw new FuncError(`no private key data in PEM block of type ${block.type}`)
  switch (block.type.slice(0, -' PRIVATE KEY'.length)) {
    case 'RSA':
      try {
        return fromKeyObject(parseDer(block.bytes, 'pkcs1'), false)
      } catch {
        throw new FuncError(`parsing RSA private key from PEM: ${wrongForm(block.bytes, 'pkcs1')}`)
      }
    case 'EC': {
      let key: KeyObject
      try {
        key = parseDer(block.bytes, 'sec1')
      } catch {
        throw new FuncError(`parsing EC private key from PEM: ${wrongForm(block.bytes, 'sec1')}`)
      }
      try {
        return fromKeyObject(key, false)
      } catch (err) {
        throw new FuncError(`parsing EC private key from PEM: ${(err as Error).message}`)
      }
    }
    case 'DSA': {
      const parts = children(readElement(block.bytes)?.content ?? Buffer.alloc(0))
      if (parts?.length !== 6 || parts.some((p) => p.tag !== 0x02)) throw new FuncError('parsing DSA private key from PEM: asn1: structure error: sequence truncated')
      return { key: undefined, goType: '*dsa.PrivateKey', dsa: parts.map(integerValue) }
    }
    default:
      throw new FuncError(`invalid private key type ${block.type}`)
  }
}

/** Sprig's pemBlockForKey: the PEM text Sprig writes for a key. */
export function privateKeyPem(k: PrivateKey): string {
  if (k.dsa !== undefined) return pemEncode('DSA PRIVATE KEY', sequence(...k.dsa.map(integer)))
  const key = k.key
  if (key === undefined) return ''
  if (key.asymmetricKeyType === 'rsa') return pemEncode('RSA PRIVATE KEY', key.export({ format: 'der', type: 'pkcs1' }))
  if (key.asymmetricKeyType === 'ec') return pemEncode('EC PRIVATE KEY', key.export({ format: 'der', type: 'sec1' }))
  return pemEncode('PRIVATE KEY', key.export({ format: 'der', type: 'pkcs8' }))
}

/** A fresh RSA key of `bits` bits (Sprig's rsa.GenerateKey). */
export function rsaKey(bits: number): PrivateKey {
  return { key: nodeCrypto().generateKeyPairSync('rsa', { modulusLength: bits }).privateKey, goType: '*rsa.PrivateKey' }
}

/** A fresh DSA key with L=2048, N=256 parameters (Sprig's dsa.L2048N256), in OpenSSL's DSA form. */
export function dsaKey(): PrivateKey {
  const { privateKey, publicKey } = nodeCrypto().generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 })
  // PKCS#8: {version, {oid, {p, q, g}}, OCTET STRING {x}}; SPKI: {{oid, params}, BIT STRING {y}}.
  const p8 = children(readElement(privateKey.export({ format: 'der', type: 'pkcs8' }))?.content ?? Buffer.alloc(0)) ?? []
  const params = children(children(p8[1]?.content ?? Buffer.alloc(0))?.[1]?.content ?? Buffer.alloc(0)) ?? []
  const x = readElement(p8[2]?.content ?? Buffer.alloc(0))
  const spki = children(readElement(publicKey.export({ format: 'der', type: 'spki' }))?.content ?? Buffer.alloc(0)) ?? []
  const y = readElement(spki[1]?.content.subarray(1) ?? Buffer.alloc(0))
  if (params.length !== 3 || x === undefined || y === undefined) throw new FuncError('failed to generate dsa params: unexpected key encoding')
  const [p, q, g] = params.map(integerValue)
  return { key: undefined, goType: '*dsa.PrivateKey', dsa: [0n, p ?? 0n, q ?? 0n, g ?? 0n, integerValue(y), integerValue(x)] }
}
