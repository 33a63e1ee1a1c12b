// Rendezvous (highest random weight) hashing: the owner of a key is the member whose hash of
// (member, key) is highest. When a member joins or leaves, only the keys it gains or held move;
// every other key stays where it was, which keeps handovers few.
import { createHash } from 'node:crypto'

/** The weight of `member` for `key`: the first 48 bits of sha256(member NUL key). */
function weight(member: string, key: string): number {
  return createHash('sha256').update(member).update('\0').update(key).digest().readUIntBE(0, 6)
}

/** The member that owns `key` among `members`, or undefined when there are none. Ties go to the smaller identity. */
export function rendezvousOwner(members: readonly string[], key: string): string | undefined {
  let best: string | undefined
  let bestWeight = -1
  for (const member of members) {
    const w = weight(member, key)
    if (w > bestWeight || (w === bestWeight && best !== undefined && member < best)) {
      best = member
      bestWeight = w
    }
  }
  return best
}
