// The tree walks of sops' Tree.Encrypt and Tree.Decrypt (FORMAT.md §4-§6): every selected leaf is
// encrypted with its path as AAD, and the MAC hashes the plaintext values in document order.
import { createHash } from 'node:crypto'
import type { Hash } from 'node:crypto'
import { SopsError } from '../errors.js'
import { decryptValue, encryptValue } from './cipher.js'
import { shouldBeEncrypted } from './rules.js'
import type { CompiledRules } from './rules.js'
import { decodePlaintext, scalarBytes, scalarType } from './scalars.js'
import type { Branches, Comment, MapNode, Node, SeqNode } from './tree.js'

const encoder = new TextEncoder()
const decoder = new TextDecoder()
/** SHA-256("sops"): the MAC of a `mac_only_encrypted` file starts with it (sops.go). */
const MAC_ONLY_INIT = createHash('sha256').update('sops').digest()
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

export interface WalkOptions {
  readonly key: Uint8Array
  readonly rules: CompiledRules
  readonly macOnlyEncrypted: boolean
  /** Where the tree came from, named in errors. */
  readonly source: string
  /** Keep decrypted strings as bytes (the binary store). */
  readonly raw?: boolean | undefined
}

interface Frame {
  readonly path: readonly string[]
  /** Path with sequence indices, for messages only. */
  readonly shown: string
  readonly stack: string[][]
}

function newHash(macOnly: boolean): Hash {
  const hash = createHash('sha512')
  if (macOnly) hash.update(MAC_ONLY_INIT)
  return hash
}

function aadOf(path: readonly string[]): string {
  return `${path.join(':')}:`
}

function child(frame: Frame, key: string | number): Frame {
  const shown = typeof key === 'number' ? `${frame.shown}[${key}]` : frame.shown === '' ? key : `${frame.shown}.${key}`
  return { path: typeof key === 'number' ? frame.path : [...frame.path, key], shown, stack: frame.stack }
}

function valueError(code: 'SOPS_BAD_VALUE_FORMAT' | 'SOPS_VALUE_AUTH_FAILED' | 'SOPS_INPUT_INVALID', where: { source: string; shown: string }, why: string): SopsError {
  const { source, shown } = where
  return new SopsError({
    code,
    message: `${source}: ${shown === '' ? '(root)' : shown}: ${why}`,
    details: { source, path: shown },
  })
}

/**
 * go-yaml gives integers between 2^63 and 2^64-1 a uint64, which sops' ToBytes and Cipher.Encrypt
 * refuse ("unknown type uint64"): such a value can be neither hashed into the MAC nor encrypted.
 */
function outOfInt64(node: Node): boolean {
  return node.kind === 'int' && (node.value < INT64_MIN || node.value > INT64_MAX)
}

interface Visitor {
  comment(comment: Comment, frame: Frame): void
  scalar(node: Exclude<Node, MapNode | SeqNode | { kind: 'null' }>, frame: Frame, encrypted: boolean): Node
}

/** sops' walkBranch/walkSlice: the comment stack, the path without sequence indices, nulls skipped. */
function walk(branches: Branches, rules: CompiledRules, visitor: Visitor): void {
  const leaf = (node: Node, frame: Frame): Node => {
    if (node.kind === 'map') {
      walkMap(node, { ...frame, stack: [...frame.stack, []] })
      return node
    }
    if (node.kind === 'seq') {
      walkSeq(node, { ...frame, stack: [...frame.stack, []] })
      return node
    }
    if (node.kind === 'null') return node
    return visitor.scalar(node, frame, shouldBeEncrypted(rules, frame.path, { stack: frame.stack, isComment: false }))
  }
  const comment = (item: Comment, frame: Frame): void => {
    frame.stack[frame.stack.length - 1]?.push(item.text)
    if (shouldBeEncrypted(rules, frame.path, { stack: frame.stack, isComment: true })) visitor.comment(item, frame)
  }
  const walkMap = (map: MapNode, frame: Frame): void => {
    for (const item of map.items) {
      if (item.kind === 'comment') {
        comment(item, frame)
        continue
      }
      item.value = leaf(item.value, child(frame, item.key))
      frame.stack[frame.stack.length - 1] = []
    }
  }
  const walkSeq = (seq: SeqNode, frame: Frame): void => {
    seq.items.forEach((item, i) => {
      if (item.kind === 'comment') {
        comment(item, frame)
        return
      }
      seq.items[i] = leaf(item, child(frame, i))
      frame.stack[frame.stack.length - 1] = []
    })
  }
  for (const branch of branches) walkMap(branch, { path: [], shown: '', stack: [[]] })
}

/** Decrypts every selected value in place and returns the recomputed MAC (uppercase hex). */
export function decryptBranches(branches: Branches, options: WalkOptions): string {
  const hash = newHash(options.macOnlyEncrypted)
  const { source } = options
  walk(branches, options.rules, {
    comment(comment, frame) {
      // A comment's AAD is the path of the collection holding it; YAML parsers disagree on which
      // collection that is, so the enclosing ones are tried outwards. A comment that opens with
      // none stays as it is, as in sops (older files did not encrypt comments).
      for (let n = frame.path.length; n >= 0; n--) {
        const result = decryptValue(comment.text, options.key, aadOf(frame.path.slice(0, n)))
        if (typeof result !== 'string') {
          comment.text = decoder.decode(result.plaintext)
          return
        }
      }
    },
    scalar(node, frame, encrypted) {
      let plain: Exclude<Node, MapNode | SeqNode | { kind: 'null' }> = node
      if (encrypted) {
        if (node.kind !== 'str') throw valueError('SOPS_BAD_VALUE_FORMAT', { source, shown: frame.shown }, `expected an encrypted value, found a ${node.kind}`)
        const result = decryptValue(node.value, options.key, aadOf(frame.path))
        if (result === 'format') throw valueError('SOPS_BAD_VALUE_FORMAT', { source, shown: frame.shown }, "value does not match sops' data format")
        if (result === 'auth') {
          throw valueError('SOPS_VALUE_AUTH_FAILED', { source, shown: frame.shown }, 'value failed authentication (modified, or moved from another key)')
        }
        const decoded = decodePlaintext(result.type, result.plaintext, options.raw === true)
        if (decoded === undefined || decoded.kind === 'null') {
          throw valueError('SOPS_BAD_VALUE_FORMAT', { source, shown: frame.shown }, `decrypted value is not a valid ${result.type}`)
        }
        plain = decoded
      }
      if (!options.macOnlyEncrypted || encrypted) {
        if (outOfInt64(plain)) throw valueError('SOPS_BAD_VALUE_FORMAT', { source, shown: frame.shown }, 'integer outside the int64 range sops can hash')
        hash.update(scalarBytes(plain))
      }
      return plain
    },
  })
  return hash.digest('hex').toUpperCase()
}

/** Encrypts every selected value in place and returns the MAC of the plaintext (uppercase hex). */
export function encryptBranches(branches: Branches, options: WalkOptions): string {
  const hash = newHash(options.macOnlyEncrypted)
  walk(branches, options.rules, {
    comment(comment, frame) {
      if (comment.text !== '') comment.text = encryptValue(encoder.encode(comment.text), 'comment', { key: options.key, aad: aadOf(frame.path) })
    },
    scalar(node, frame, encrypted) {
      if ((!options.macOnlyEncrypted || encrypted) && outOfInt64(node)) {
        const why = `integer outside the int64 range sops can ${encrypted ? 'encrypt' : 'hash'}; quote it to keep it as a string`
        throw valueError('SOPS_INPUT_INVALID', { source: options.source, shown: frame.shown }, why)
      }
      const bytes = scalarBytes(node)
      if (!options.macOnlyEncrypted || encrypted) hash.update(bytes)
      if (!encrypted || (node.kind === 'str' && node.value === '')) return node
      return { kind: 'str', value: encryptValue(bytes, scalarType(node), { key: options.key, aad: aadOf(frame.path) }) }
    },
  })
  return hash.digest('hex').toUpperCase()
}
