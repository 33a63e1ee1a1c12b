/** A revision taken apart: the ref name it names (if any) and the commit. */
export interface ParsedRevision {
  /** `main`, `v1.2.3`, `refs/pull/7/head`, or `undefined` for a bare commit. */
  readonly name: string | undefined
  /** 40 hex digits. */
  readonly commit: string
}

/**
 * Formats a revision in Flux's form: `<name>@sha1:<commit>`, or `sha1:<commit>` without a name.
 *
 * @example
 * ```ts
 * formatRevision({ name: 'main', commit }) // 'main@sha1:3f2a…'
 * ```
 */
export function formatRevision(revision: ParsedRevision): string {
  return revision.name === undefined ? `sha1:${revision.commit}` : `${revision.name}@sha1:${revision.commit}`
}

/**
 * Parses a revision in Flux's forms (`main@sha1:<commit>`, `sha1:<commit>`, and the older
 * `main/<commit>`), or returns `undefined` when it is none of them.
 *
 * @example
 * ```ts
 * parseRevision('v1.2.3@sha1:0123…')?.commit
 * ```
 */
export function parseRevision(revision: string): ParsedRevision | undefined {
  const at = revision.lastIndexOf('@sha1:')
  if (at > 0) {
    const commit = revision.slice(at + 6)
    return /^[0-9a-f]{40}$/.test(commit) ? { name: revision.slice(0, at), commit } : undefined
  }
  if (revision.startsWith('sha1:')) {
    const commit = revision.slice(5)
    return /^[0-9a-f]{40}$/.test(commit) ? { name: undefined, commit } : undefined
  }
  const legacy = /^(.+)\/([0-9a-f]{40})$/.exec(revision)
  if (legacy !== null) return { name: legacy[1] as string, commit: legacy[2] as string }
  return undefined
}
