// Picks the remote ref a GitRef names from one ref advertisement, as Flux's source-controller does.
// semver is loaded only for a semver ref: the no-change check of a branch should not pay for it.
import { GitSourceError } from '../errors.js'
import type { RemoteRefs } from '../transport.js'
import type { GitRef } from '../types.js'

/** The ref to fetch. */
export interface ResolvedRef {
  /** The name in the revision (`main`, `v1.2.3`, `refs/pull/7/head`), or undefined for a bare commit. */
  readonly name: string | undefined
  /** Full ref name, or undefined for a bare commit. */
  readonly fullRef: string | undefined
  /** The object to ask for: a commit, or an annotated tag object. */
  readonly want: string
  /** The commit the revision is at, when the advertisement tells it (peeled tags do). */
  readonly commit: string | undefined
  /** Whether `want` is an advertised ref tip. */
  readonly advertised: boolean
  /** For a commit with a branch: the branch's full ref, for a fallback fetch of its history. */
  readonly branchRef: string | undefined
}

const hex40 = /^[0-9a-f]{40}$/

function invalid(url: string, message: string): GitSourceError {
  return new GitSourceError({ code: 'GIT_INVALID_OPTION', message: `${url}: ${message}`, details: { url } })
}

/** Checks a GitRef before any I/O. */
export async function validateRef(url: string, ref: GitRef): Promise<void> {
  if (ref.commit !== undefined && !hex40.test(ref.commit)) {
    throw invalid(url, `ref.commit must be a full 40-digit lowercase commit id, not ${JSON.stringify(ref.commit)}`)
  }
  if (ref.semver !== undefined) {
    const reason = (await import('@gitops-sdk/core/semver')).semverConstraintError(ref.semver)
    if (reason !== undefined) throw invalid(url, `ref.semver ${JSON.stringify(ref.semver)} is not a valid semver range: ${reason}`)
  }
  if (ref.name !== undefined && !ref.name.startsWith('refs/') && ref.name !== 'HEAD') {
    throw invalid(url, `ref.name must be a full ref such as refs/heads/main, not ${JSON.stringify(ref.name)}`)
  }
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1))
      previous = current
    }
  }
  return row[b.length] as number
}

/** Up to five names closest to `wanted`, closest first. */
export function closeMatches(wanted: string, candidates: readonly string[]): string[] {
  return candidates
    .map((name) => ({ name, d: distance(wanted.toLowerCase(), name.toLowerCase()) }))
    .filter(({ name, d }) => d <= Math.max(2, Math.floor(wanted.length / 2)) || name.includes(wanted) || wanted.includes(name))
    .sort((a, b) => a.d - b.d || (a.name < b.name ? -1 : 1))
    .slice(0, 5)
    .map(({ name }) => name)
}

function notFound(url: string, missing: { readonly what: string; readonly wanted: string }, candidates: readonly string[]): GitSourceError {
  const { what, wanted } = missing
  const close = closeMatches(wanted, candidates)
  const hint = close.length > 0 ? `; did you mean ${close.join(', ')}?` : candidates.length === 0 ? '; the remote has none' : ''
  return new GitSourceError({
    code: 'GIT_REF_NOT_FOUND',
    message: `${url}: ${what} ${JSON.stringify(wanted)} not found${hint}`,
    details: { url, ref: wanted, closeMatches: close },
  })
}

function names(refs: RemoteRefs, prefix: string): string[] {
  return [...refs.refs.keys()].filter((r) => r.startsWith(prefix) && !r.endsWith('^{}')).map((r) => r.slice(prefix.length)).sort()
}

function tipOf(refs: RemoteRefs, fullRef: string): { want: string; commit: string | undefined } | undefined {
  const want = refs.refs.get(fullRef)
  if (want === undefined) return undefined
  const peeled = refs.refs.get(`${fullRef}^{}`)
  // A tag without a peeled entry may still be annotated; only heads are known to be commits.
  const commit = peeled ?? (fullRef.startsWith('refs/tags/') ? undefined : want)
  return { want, commit }
}

/**
 * Resolves `ref` against the advertisement, applying Flux's precedence
 * commit > name > semver > tag > branch, and the default branch when none is given.
 *
 * @throws `GIT_EMPTY_REPOSITORY`, `GIT_REF_NOT_FOUND`, `GIT_NO_SEMVER_MATCH`
 */
export async function resolveRef(url: string, ref: GitRef, refs: RemoteRefs): Promise<ResolvedRef> {
  if (refs.refs.size === 0) {
    throw new GitSourceError({ code: 'GIT_EMPTY_REPOSITORY', message: `${url}: the repository is empty (it has no refs)`, details: { url } })
  }
  if (ref.commit !== undefined) {
    const commit = ref.commit
    const advertised = [...refs.refs.values()].includes(commit)
    if (ref.branch !== undefined) {
      const branchRef = `refs/heads/${ref.branch}`
      if (!refs.refs.has(branchRef)) throw notFound(url, { what: 'branch', wanted: ref.branch }, names(refs, 'refs/heads/'))
      return { name: ref.branch, fullRef: branchRef, want: commit, commit, advertised, branchRef }
    }
    return { name: undefined, fullRef: undefined, want: commit, commit, advertised, branchRef: undefined }
  }
  if (ref.name !== undefined) {
    const tip = tipOf(refs, ref.name)
    if (tip === undefined) throw notFound(url, { what: 'ref', wanted: ref.name }, [...refs.refs.keys()].filter((r) => !r.endsWith('^{}')).sort())
    return { name: ref.name, fullRef: ref.name, ...tip, advertised: true, branchRef: undefined }
  }
  if (ref.semver !== undefined) {
    const tags = names(refs, 'refs/tags/')
    const best = (await import('./semverTags.js')).highestTag(tags, ref.semver)
    if (best === undefined) {
      const shown = tags.slice(-20)
      throw new GitSourceError({
        code: 'GIT_NO_SEMVER_MATCH',
        message: `${url}: no tag matches semver range ${JSON.stringify(ref.semver)} (tags: ${shown.length === 0 ? 'none' : shown.join(', ')}${tags.length > shown.length ? ', …' : ''})`,
        details: { url, range: ref.semver, tags },
      })
    }
    const fullRef = `refs/tags/${best}`
    return { name: best, fullRef, ...(tipOf(refs, fullRef) as { want: string; commit: string | undefined }), advertised: true, branchRef: undefined }
  }
  if (ref.tag !== undefined) {
    const fullRef = `refs/tags/${ref.tag}`
    const tip = tipOf(refs, fullRef)
    if (tip === undefined) throw notFound(url, { what: 'tag', wanted: ref.tag }, names(refs, 'refs/tags/'))
    return { name: ref.tag, fullRef, ...tip, advertised: true, branchRef: undefined }
  }
  if (ref.branch !== undefined) {
    const fullRef = `refs/heads/${ref.branch}`
    const tip = tipOf(refs, fullRef)
    if (tip === undefined) throw notFound(url, { what: 'branch', wanted: ref.branch }, names(refs, 'refs/heads/'))
    return { name: ref.branch, fullRef, ...tip, advertised: true, branchRef: undefined }
  }
  return defaultBranch(url, refs)
}

function defaultBranch(url: string, refs: RemoteRefs): ResolvedRef {
  let fullRef = refs.symrefs.get('HEAD')
  const head = refs.refs.get('HEAD')
  if (fullRef === undefined && head !== undefined) {
    // Servers that do not advertise the symref: the branch HEAD's commit is on, main or master first.
    const branches = [...refs.refs].filter(([name, oid]) => name.startsWith('refs/heads/') && oid === head).map(([name]) => name)
    fullRef = branches.find((b) => b === 'refs/heads/main') ?? branches.find((b) => b === 'refs/heads/master') ?? branches.sort()[0]
  }
  const want = fullRef === undefined ? undefined : refs.refs.get(fullRef)
  if (fullRef === undefined || want === undefined) {
    throw new GitSourceError({
      code: 'GIT_REF_NOT_FOUND',
      message: `${url}: the remote HEAD points at no branch; name one with ref.branch (branches: ${names(refs, 'refs/heads/').join(', ') || 'none'})`,
      details: { url, ref: 'HEAD', closeMatches: names(refs, 'refs/heads/').slice(0, 5) },
    })
  }
  const name = fullRef.startsWith('refs/heads/') ? fullRef.slice('refs/heads/'.length) : fullRef
  return { name, fullRef, want, commit: want, advertised: true, branchRef: undefined }
}
