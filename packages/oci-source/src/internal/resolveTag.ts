// A semver range over the repository's tag list, as Flux's OCIRepository `ref.semver`: tags that
// are versions (a `v` prefix allowed), the highest that satisfies the range. The list is read
// page by page (`Link` headers), bounded in pages and bytes.
import { OciSourceError } from '../errors.js'
import type { GoRegexp } from '@gitops-sdk/core/go'
import type { SemVersion } from '@gitops-sdk/core/semver'
import type { RegistryClient } from './registryClient.js'

const maxPages = 50
const pageBytes = 4 * 1024 * 1024

/** Every tag of the repository. */
export async function listTags(client: RegistryClient): Promise<string[]> {
  const tags: string[] = []
  let path: string | undefined = 'tags/list?n=1000'
  for (let page = 0; path !== undefined && page < maxPages; page++) {
    const response = await client.request({ method: 'GET', path, accept: 'application/json', maxBytes: pageBytes, ok: [200] })
    let parsed: unknown
    try {
      parsed = JSON.parse(response.body.toString('utf8'))
    } catch (err) {
      throw new OciSourceError({ code: 'OCI_PROTOCOL_ERROR', message: `${client.url.display}: the tag list is not JSON`, details: { url: client.url.display }, cause: err })
    }
    const list = (parsed as { tags?: unknown }).tags
    if (list !== null && list !== undefined && !Array.isArray(list)) {
      throw new OciSourceError({ code: 'OCI_PROTOCOL_ERROR', message: `${client.url.display}: the tag list holds no array of tags`, details: { url: client.url.display } })
    }
    for (const tag of (list ?? []) as unknown[]) if (typeof tag === 'string') tags.push(tag)
    const next = /<([^>]+)>;\s*rel="?next"?/.exec(response.headers.get('link') ?? '')?.[1]
    path = next === undefined ? undefined : client.resolve(next).toString()
  }
  return tags
}

/**
 * The highest tag satisfying `range` among those `filter` matches (Flux's semverFilter), or
 * `OCI_NO_SEMVER_MATCH` listing the tags seen.
 */
export async function highestMatch(client: RegistryClient, range: string, filter?: Pick<GoRegexp, 'test' | 'pattern'>): Promise<string> {
  const { compareSemver, parseSemverConstraint, semverSatisfies, tryParseFluxVersion } = await import('@gitops-sdk/core/semver')
  // Read as source-controller reads it: the constraint by Masterminds/semver (pre-releases only for
  // an and-group naming one), a tag only when fluxcd/pkg/version's ParseVersion takes it (strict,
  // `v` prefix allowed). checkRange refused a bad constraint before any request.
  const constraint = parseSemverConstraint(range)
  const tags = (await listTags(client)).filter((tag) => filter === undefined || filter.test(tag))
  let best: { tag: string; version: SemVersion } | undefined
  for (const tag of tags) {
    const version = tryParseFluxVersion(tag)
    if (version === undefined || !semverSatisfies(constraint, version)) continue
    if (best === undefined || compareSemver(version, best.version) > 0) best = { tag, version }
  }
  if (best === undefined) {
    const shown = tags.slice(0, 20)
    throw new OciSourceError({
      code: 'OCI_NO_SEMVER_MATCH',
      message: `${client.url.display}: no tag satisfies ${range}${filter === undefined ? '' : ` among those matching ${filter.pattern}`}; tags seen: ${shown.length === 0 ? '(none)' : shown.join(', ')}${tags.length > shown.length ? ', …' : ''}`,
      details: { url: client.url.display, range, tags: shown },
    })
  }
  return best.tag
}
