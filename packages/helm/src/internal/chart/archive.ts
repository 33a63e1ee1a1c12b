// Chart archives (`charts/*.tgz`): a gzipped tarball whose entries sit under one top folder, read
// as Helm's loader reads them: regular files only, PAX and GNU long names, every size bounded.
import { gunzipSync } from '../lazy.js'
import { tarEntries } from '../tarEntries.js'

/** A chart archive could not be read; the message says why. */
export class ArchiveError extends Error {}

/** Helm refuses archives that decompress past its default limit; so do we. */
const maxDecompressed = 100 * 1024 * 1024

/** The regular files of a gzipped tarball, by path, in archive order. */
export function readTgz(bytes: Uint8Array): Map<string, Buffer> {
  let tar: Buffer
  try {
    tar = gunzipSync(bytes, { maxOutputLength: maxDecompressed })
  } catch (err) {
    throw new ArchiveError(`not a gzipped archive: ${(err as Error).message}`)
  }
  const out = new Map<string, Buffer>()
  for (const entry of tarEntries(tar, (message) => new ArchiveError(message)).entries) {
    if (entry.type === '0' || entry.type === '\0') out.set(entry.name, Buffer.from(entry.data))
  }
  return out
}
