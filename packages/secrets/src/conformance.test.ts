// Every vector of the shared sops conformance suite: must-decrypt vectors give the expected values
// (in MAC order, with their sops types) and, where pinned, the exact `sops decrypt` text; must-reject
// vectors fail with the listed error class.
import { describe, expect, it } from 'vitest'
import { decrypt } from './decrypt.js'
import { formatFloat } from '@gitops-sdk/core/go'
import { decryptLoaded, loadEncrypted } from './internal/sopsFile.js'
import type { Branches, Node } from './internal/tree.js'
import { ERROR_CODES, loadVectors, vectorBytes, vectorIdentities, vectorsDir } from '../test/helpers/vectors.js'
import type { TypedLeaf } from '../test/helpers/vectors.js'

function typedLeaves(branches: Branches): TypedLeaf[] {
  const out: TypedLeaf[] = []
  const visit = (node: Node, path: (string | number)[]): void => {
    switch (node.kind) {
      case 'map':
        for (const item of node.items) if (item.kind === 'entry') visit(item.value, [...path, item.key])
        return
      case 'seq': {
        let i = 0
        for (const item of node.items) if (item.kind !== 'comment') visit(item, [...path, i++])
        return
      }
      case 'str':
        out.push({ path, type: 'str', value: node.value })
        return
      case 'bytes':
        out.push({ path, type: 'str', value: new TextDecoder().decode(node.value) })
        return
      case 'int':
        out.push({ path, type: 'int', value: node.value.toString() })
        return
      case 'float':
        out.push({ path, type: 'float', value: formatFloat(node.value, 'f') })
        return
      case 'bool':
        out.push({ path, type: 'bool', value: node.value })
        return
      case 'null':
        out.push({ path, type: 'null', value: null })
        return
      case 'time':
        out.push({ path, type: 'time', value: node.value })
        return
    }
  }
  branches.forEach((b, i) => visit(b, branches.length > 1 ? [`#doc${i}`] : []))
  return out
}

const vectors = loadVectors()

describe.skipIf(vectorsDir === undefined)('sops conformance vectors', () => {
  it('has the whole suite', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(67)
  })

  it.for(vectors.filter((v) => v.expect === 'success').map((v) => [v.id, v] as const))('%s decrypts to the expected values', async ([, v]) => {
    const identities = await vectorIdentities(v)
    const loaded = loadEncrypted(vectorBytes(v.file), v.format, v.file)
    const { branches } = await decryptLoaded(loaded, { identities, raw: v.format === 'binary' }, v.file)
    expect(typedLeaves(branches)).toEqual(v.expected?.typed_leaves)
    const text = v.expected?.text
    if (text !== null && text !== undefined) {
      const out = await decrypt(vectorBytes(v.file), { format: v.format, identities, source: v.file })
      expect(new TextDecoder().decode(out)).toBe(text)
    }
  })

  it.for(vectors.filter((v) => v.expect === 'failure').map((v) => [v.id, v] as const))('%s is rejected', async ([, v]) => {
    const identities = await vectorIdentities(v)
    await expect(decrypt(vectorBytes(v.file), { format: v.format, identities, source: v.file })).rejects.toMatchObject({
      code: ERROR_CODES[v.error_class ?? ''],
    })
  })
})
