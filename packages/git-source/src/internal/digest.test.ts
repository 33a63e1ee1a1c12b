import { describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import type { ArtifactFile, ArtifactFiles } from './artifactTree.js'
import { digestOfHashes } from './digest.js'

const file: ArtifactFile = { kind: 'file', tree: undefined, at: 0, content: undefined }
const link: ArtifactFile = { kind: 'symlink', tree: undefined, at: 0, content: undefined }
const contentHash = (path: string): string => createHash('sha256').update(`content of ${path}`).digest('hex')

// The digest as its definition states it: records in byte order of the UTF-8 paths.
function reference(files: ArtifactFiles): string {
  const paths = [...files.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
  const modes = { file: '100644', executable: '100755', symlink: '120000' }
  const records = paths.map((p) => `${modes[(files.get(p) as ArtifactFile).kind]} ${p}\0${contentHash(p)}\n`).join('')
  return `sha256:${createHash('sha256').update(records).digest('hex')}`
}

describe('digestOfHashes', () => {
  const sets: Record<string, readonly string[]> = {
    'in order': ['a/b.yaml', 'a/c.yaml', 'b', 'b-c/d', 'b/a'],
    'out of order': ['b/a', 'a/c.yaml', 'b', 'a/b.yaml', 'b-c/d'],
    // U+FF5E sorts before U+1F600 in UTF-16 units and after it in UTF-8 bytes.
    'in JavaScript order but not byte order': ['x/\u{1F600}.yaml', 'x/\uFF5E.yaml', 'x/a.yaml'].sort(),
    'beyond U+D800, in byte order': ['x/a.yaml', 'x/\uFF5E.yaml', 'x/\u{1F600}.yaml'],
    'empty': [],
  }
  for (const [name, paths] of Object.entries(sets)) {
    it(`hashes the records in byte order of the paths: ${name}`, () => {
      const files: ArtifactFiles = new Map(paths.map((p, i) => [p, i === 1 ? link : file]))
      expect(digestOfHashes(files, (path) => contentHash(path))).toBe(reference(files))
    })
  }

  it('gives one digest whatever order the map holds the same files in', () => {
    const paths = Array.from({ length: 600 }, (_, i) => `apps/app-${i % 37}/res-${i}.yaml`)
    const shuffled: ArtifactFiles = new Map(paths.map((p) => [p, file]))
    const sorted: ArtifactFiles = new Map([...paths].sort().map((p) => [p, file]))
    expect(digestOfHashes(sorted, contentHash)).toBe(digestOfHashes(shuffled, contentHash))
    expect(digestOfHashes(sorted, contentHash)).toBe(reference(sorted))
  })
})
