// Sprig's random, password and crypto functions: randAlphaNum/randAlpha/randNumeric/randAscii,
// randBytes, randInt, shuffle, uuidv4, bcrypt, htpasswd, derivePassword (Master Password over
// scrypt), genPrivateKey (rsa, dsa, ecdsa, ed25519), encryptAES/decryptAES (AES-256-CBC as Sprig does it), and
// getHostByName, which is "" as helm 4 answers it without --enable-dns.
import { nodeCrypto } from '../lazy.js'
import { bcryptjs } from '../lazy.js'
import { FuncError, GoInt, type GoFunc, type GoValue, goFunc } from '../template/values.js'
import { toInt64 } from './convert.js'
import { dsaKey, privateKeyPem, rsaKey } from './certKeys.js'
import { base64ErrorAt } from './goutilsText.js'

const S = 'string'

const alpha = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'
const digits = '0123456789'
let ascii = ''
for (let c = 32; c <= 126; c++) ascii += String.fromCharCode(c)

function randomFrom(chars: string, count: GoValue): string {
  const n = Number(toInt64(count ?? null))
  let out = ''
  for (let i = 0; i < n; i++) out += chars[nodeCrypto().randomInt(chars.length)] ?? ''
  return out
}

const seed = 'com.lyndir.masterpassword'
const templates: Readonly<Record<string, readonly string[]>> = {
  maximum: ['anoxxxxxxxxxxxxxxxxx', 'axxxxxxxxxxxxxxxxxno'],
  long: ['CvcvnoCvcvCvcv', 'CvcvCvcvnoCvcv', 'CvcvCvcvCvcvno', 'CvccnoCvcvCvcv', 'CvccCvcvnoCvcv', 'CvccCvcvCvcvno', 'CvcvnoCvccCvcv', 'CvcvCvccnoCvcv', 'CvcvCvccCvcvno', 'CvcvnoCvcvCvcc', 'CvcvCvcvnoCvcc', 'CvcvCvcvCvccno', 'CvccnoCvccCvcv', 'CvccCvccnoCvcv', 'CvccCvccCvcvno', 'CvcvnoCvccCvcc', 'CvcvCvccnoCvcc', 'CvcvCvccCvccno', 'CvccnoCvcvCvcc', 'CvccCvcvnoCvcc', 'CvccCvcvCvccno'],
  medium: ['CvcnoCvc', 'CvcCvcno'],
  short: ['Cvcn'],
  basic: ['aaanaaan', 'aannaaan', 'aaannaaa'],
  pin: ['nnnn'],
}
const templateChars: Readonly<Record<string, string>> = {
  V: 'AEIOU',
  C: 'BCDFGHJKLMNPQRSTVWXYZ',
  v: 'aeiou',
  c: 'bcdfghjklmnpqrstvwxyz',
  A: 'AEIOUBCDFGHJKLMNPQRSTVWXYZ',
  n: '0123456789',
  o: "@&%?,=[]_:-+*$#!'^~;()/.",
  a: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz',
  x: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()',
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(n >>> 0)
  return b
}

/** The Master Password algorithm as Sprig's derivePassword runs it. */
/** scrypt keys by password and user, within one render (each costs 64 MiB and a fraction of a second). */
type KeyCache = Map<string, Buffer>

function derivePassword(counter: number, type: string, who: { readonly password: string; readonly user: string; readonly site: string; readonly keys: KeyCache }): string {
  const { password, user, site, keys } = who
  const list = Object.hasOwn(templates, type) ? templates[type] : undefined
  if (list === undefined) return `cannot find password template ${type}`
  const userBytes = Buffer.from(user)
  const salt = Buffer.concat([Buffer.from(seed), u32(userBytes.length), userBytes])
  const id = JSON.stringify([password, user])
  let key = keys.get(id)
  if (key === undefined) {
    key = nodeCrypto().scryptSync(Buffer.from(password), salt, 64, { N: 32768, r: 8, p: 2, maxmem: 128 * 1024 * 1024 })
    if (keys.size < 64) keys.set(id, key)
  }
  const siteBytes = Buffer.from(site)
  const seedBytes = nodeCrypto().createHmac('sha256', key).update(Buffer.concat([Buffer.from(seed), u32(siteBytes.length), siteBytes, u32(counter)])).digest()
  const template = list[(seedBytes[0] ?? 0) % list.length] ?? ''
  let out = ''
  for (let i = 0; i < template.length; i++) {
    const chars = templateChars[template[i] ?? ''] ?? ''
    out += chars[(seedBytes[i + 1] ?? 0) % chars.length] ?? ''
  }
  return out
}

function bcrypt(password: string): string {
  // Go's bcrypt writes the $2a$ prefix at its default cost 10; the hash is the same algorithm.
  return bcryptjs.hashSync(password, bcryptjs.genSaltSync(10)).replace(/^\$2b\$/, '$2a$')
}

function aesKey(password: string): Buffer {
  const key = Buffer.alloc(32)
  Buffer.from(password).copy(key, 0, 0, 32)
  return key
}

function encryptAES(password: string, text: string): string {
  const iv = nodeCrypto().randomBytes(16)
  const cipher = nodeCrypto().createCipheriv('aes-256-cbc', aesKey(password), iv)
  return Buffer.concat([iv, cipher.update(Buffer.from(text)), cipher.final()]).toString('base64')
}

function decryptAES(password: string, crypt: string): string {
  const bad = base64ErrorAt(crypt)
  if (bad >= 0) throw new FuncError(`illegal base64 data at input byte ${bad}`)
  const data = Buffer.from(crypt.replace(/[\r\n]/g, ''), 'base64')
  // Sprig's slicing and CryptBlocks panic on a short or ragged text; the capacity Go names is the
  // decode buffer's (base64's DecodedLen of the text).
  if (data.length === 0) return ''
  if (data.length < 16) throw new FuncError(`runtime error: slice bounds out of range [:16] with capacity ${Math.floor(Buffer.byteLength(crypt) / 4) * 3}`)
  if ((data.length - 16) % 16 !== 0) throw new FuncError('crypto/cipher: input not full blocks')
  if (data.length === 16) throw new FuncError('runtime error: index out of range [-1]')
  const decipher = nodeCrypto().createDecipheriv('aes-256-cbc', aesKey(password), data.subarray(0, 16))
  decipher.setAutoPadding(false)
  const plain = Buffer.concat([decipher.update(data.subarray(16)), decipher.final()])
  // Sprig strips the padding by its last byte's value, without checking it.
  const pad = plain[plain.length - 1] ?? 0
  if (pad > plain.length) throw new FuncError(`runtime error: slice bounds out of range [:${plain.length - pad}]`)
  return plain.subarray(0, plain.length - pad).toString('utf8')
}

function privateKey(type: string): string {
  switch (type) {
    case '':
    case 'rsa':
      return privateKeyPem(rsaKey(4096))
    case 'dsa':
      return privateKeyPem(dsaKey())
    case 'ecdsa':
      return nodeCrypto().generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'sec1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey
    case 'ed25519':
      return nodeCrypto().generateKeyPairSync('ed25519', { privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey
    default:
      return `Unknown type ${type}`
  }
}

/** Sprig's random and crypto functions. */
export function cryptoFuncs(): [string, GoFunc][] {
  const keys: KeyCache = new Map()
  return [
    ['randAlphaNum', goFunc('randAlphaNum', ['int'], (n) => randomFrom(alpha + digits, n ?? null))],
    ['randAlpha', goFunc('randAlpha', ['int'], (n) => randomFrom(alpha, n ?? null))],
    ['randNumeric', goFunc('randNumeric', ['int'], (n) => randomFrom(digits, n ?? null))],
    ['randAscii', goFunc('randAscii', ['int'], (n) => randomFrom(ascii, n ?? null))],
    ['randBytes', goFunc('randBytes', ['int'], (n) => nodeCrypto().randomBytes(Number(toInt64(n ?? null))).toString('base64'))],
    ['randInt', goFunc('randInt', ['int', 'int'], (a, b) => {
      const lo = Number(toInt64(a ?? null))
      const hi = Number(toInt64(b ?? null))
      if (hi <= lo) throw new FuncError('invalid argument to Intn')
      return new GoInt(BigInt(lo + nodeCrypto().randomInt(hi - lo)), 'int')
    })],
    ['shuffle', goFunc('shuffle', [S], (s) => {
      const chars = Array.from(s as string)
      for (let i = chars.length - 1; i > 0; i--) {
        const j = nodeCrypto().randomInt(i + 1)
        const t = chars[i] ?? ''
        chars[i] = chars[j] ?? ''
        chars[j] = t
      }
      return chars.join('')
    })],
    ['uuidv4', goFunc('uuidv4', [], () => nodeCrypto().randomUUID())],
    ['bcrypt', goFunc('bcrypt', [S], (p) => bcrypt(p as string))],
    ['htpasswd', goFunc('htpasswd', [S, S], (u, p) => ((u as string).includes(':') ? `invalid username: ${u as string}` : `${u as string}:${bcrypt(p as string)}`))],
    ['derivePassword', goFunc('derivePassword', ['uint32', S, S, S, S], (...a) => derivePassword(Number(toInt64(a[0] ?? null)), a[1] as string, { password: a[2] as string, user: a[3] as string, site: a[4] as string, keys }))],
    ['genPrivateKey', goFunc('genPrivateKey', [S], (t) => privateKey(t as string))],
    ['encryptAES', goFunc('encryptAES', [S, S], (p, t) => encryptAES(p as string, t as string))],
    ['decryptAES', goFunc('decryptAES', [S, S], (p, c) => decryptAES(p as string, c as string))],
    ['getHostByName', goFunc('getHostByName', [S], () => '')],
  ]
}
