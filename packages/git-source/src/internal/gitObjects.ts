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
  forEachTreeEntry(data, (mode, name, at) => {
    entries.push({ mode: data.toString('latin1', mode.start, mode.end), name, oid: data.toString('hex', at, at + 20) })
  })
  return entries
}

/** Where an entry's mode is in a tree's bytes, with its value when it is all octal digits (else -1). */
export interface TreeMode {
  start: number
  end: number
  value: number
}

/**
 * Calls `visit` with each entry of a tree object: its mode, its name (raw, as UTF-8) and where its
 * 20-byte id starts in `data`. The walk of a 10,000-file tree makes no object or hex id per entry;
 * the mode object is reused from one call to the next.
 *
 * @throws ObjectFormatError for a truncated entry
 */
export function forEachTreeEntry(data: Buffer, visit: (mode: TreeMode, name: string, at: number) => void): void {
  const mode: TreeMode = { start: 0, end: 0, value: 0 }
  const end = data.byteLength
  let pos = 0
  while (pos < end) {
    // Byte loops rather than Buffer#indexOf: modes and names are a few bytes long.
    let space = pos
    let value = 0
    while (space < end && data[space] !== 0x20) {
      const digit = (data[space] as number) - 0x30
      value = value >= 0 && digit >= 0 && digit <= 7 ? value * 8 + digit : -1
      space++
    }
    let nul = space + 1
    while (nul < end && data[nul] !== 0) nul++
    if (space >= end || nul >= end || nul + 21 > end) throw new ObjectFormatError('truncated tree entry')
    mode.start = pos
    mode.end = space
    mode.value = space === pos ? -1 : value
    visit(mode, data.toString('utf8', space + 1, nul), nul + 1)
    pos = nul + 21
  }
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
