// Parsing of the four git object kinds we read: commits, trees, tags (blobs are bytes).

/** A git object's kind. */
export type ObjectType = 'commit' | 'tree' | 'blob' | 'tag'

/** One object: kind and bytes (without the `type size\0` header). */
export interface GitObject {
  readonly type: ObjectType
  readonly data: Buffer
}

/** Pack type numbers 1–4 to names. */
export const packTypes: readonly (ObjectType | undefined)[] = [undefined, 'commit', 'tree', 'blob', 'tag']

/** One entry of a tree. */
export interface TreeEntry {
  /** Octal mode as git writes it: `100644`, `100755`, `120000`, `40000`, `160000`. */
  readonly mode: string
  readonly name: string
  readonly oid: string
}

/** Thrown for an object whose bytes do not parse. */
export class ObjectFormatError extends Error {
  override readonly name = 'ObjectFormatError'
}

/** Parses a tree object. Names are returned raw; callers decide which are safe. */
export function parseTree(data: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = []
  let pos = 0
  while (pos < data.byteLength) {
    const space = data.indexOf(0x20, pos)
    const nul = space < 0 ? -1 : data.indexOf(0, space + 1)
    if (space < 0 || nul < 0 || nul + 21 > data.byteLength) throw new ObjectFormatError('truncated tree entry')
    entries.push({
      mode: data.toString('latin1', pos, space),
      name: data.toString('utf8', space + 1, nul),
      oid: data.toString('hex', nul + 1, nul + 21),
    })
    pos = nul + 21
  }
  return entries
}

function headerLines(data: Buffer): Map<string, string[]> {
  const end = data.indexOf('\n\n')
  const text = data.toString('utf8', 0, end < 0 ? data.byteLength : end)
  const headers = new Map<string, string[]>()
  for (const line of text.split('\n')) {
    if (line.startsWith(' ')) continue // continuation of a multi-line header (gpgsig)
    const space = line.indexOf(' ')
    if (space < 0) continue
    const key = line.slice(0, space)
    const list = headers.get(key) ?? []
    list.push(line.slice(space + 1))
    headers.set(key, list)
  }
  return headers
}

const oidPattern = /^[0-9a-f]{40}$/

/** The tree and parents of a commit object. */
export function parseCommit(data: Buffer): { tree: string; parents: string[] } {
  const headers = headerLines(data)
  const tree = headers.get('tree')?.[0]
  if (tree === undefined || !oidPattern.test(tree)) throw new ObjectFormatError('commit without a tree')
  return { tree, parents: headers.get('parent') ?? [] }
}

/** The object an annotated tag points at. */
export function parseTag(data: Buffer): { object: string; type: string } {
  const headers = headerLines(data)
  const object = headers.get('object')?.[0]
  const type = headers.get('type')?.[0]
  if (object === undefined || !oidPattern.test(object) || type === undefined) throw new ObjectFormatError('tag without a target')
  return { object, type }
}
