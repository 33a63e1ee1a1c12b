// Bad layerSelector and semverFilter options: OCI_INVALID_OPTION naming the artifact's URL before
// any request is sent, nothing written, no prototype touched.
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assertNoPollution } from '../../../../testing/pollution.js'
import { pullArtifact } from '../../src/index.js'
import type { LayerSelector } from '../../src/index.js'

const url = 'oci://registry.test/acme/fleet'
let work: string
let requests = 0
const fetch: typeof globalThis.fetch = () => {
  requests++
  return Promise.reject(new Error('no request is expected'))
}
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gitops-oci-selector-faults-'))
})
afterAll(async () => rm(work, { recursive: true, force: true }))

const cases: readonly (readonly [string, Parameters<typeof pullArtifact>[1], RegExp])[] = [
  ['a semverFilter that is no regular expression', { ref: { semver: '>=1.0.0', semverFilter: '(' } }, /ref\.semverFilter "\(" is not a valid regular expression/],
  ['an empty layer media type', { layerSelector: { mediaType: '' } }, /layerSelector\.mediaType "" is not a media type/],
  ['a layer media type with a comma', { layerSelector: { mediaType: 'a/b, c/d' } }, /is not a media type/],
  ['an unknown layer operation', { layerSelector: { mediaType: 'a/b', operation: 'unpack' } as unknown as LayerSelector }, /layerSelector\.operation "unpack" is neither extract nor copy/],
  ['a __proto__ layer operation', { layerSelector: JSON.parse('{"mediaType": "a/b", "operation": "__proto__"}') as LayerSelector }, /neither extract nor copy/],
]

describe('pullArtifact option faults', () => {
  it.each(cases)('%s', async (_name, options, message) => {
    requests = 0
    const dir = join(work, 'out')
    const error = await pullArtifact(url, { ...options, fetch, dir }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'OCI_INVALID_OPTION', details: { url } })
    expect((error as Error).message.startsWith(`${url}: `)).toBe(true)
    expect((error as Error).message).toMatch(message)
    expect(requests).toBe(0)
    expect(await readdir(work)).toEqual([])
    assertNoPollution()
  })
})
