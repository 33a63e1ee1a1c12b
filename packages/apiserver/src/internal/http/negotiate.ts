// Output media type negotiation, as kube-apiserver's negotiation package (k8s.io/apiserver
// pkg/endpoints/handlers/negotiation) does it: the Accept clauses sorted by quality then specificity
// (goautoneg), and for each clause in turn the first served serializer it matches whose parameters
// (`as`/`g`/`v` transforms, `stream`, `sv`) the endpoint allows. No Accept header means the first
// serializer, JSON. The serializers are JSON, YAML and protobuf, in that order, for built-in and custom
// resources alike; a custom resource only allows protobuf for meta.k8s.io transforms, and a Table is
// only JSON or YAML.
import { trimCharRun } from '@gitops-sdk/core'
import { StatusError } from '../../status.js'

/** A served serializer. */
export type Media = 'json' | 'yaml' | 'protobuf'

const SERIALIZERS: readonly { readonly media: Media; readonly type: string; readonly subtype: string; readonly stream: boolean }[] = [
  { media: 'json', type: 'application', subtype: 'json', stream: true },
  { media: 'yaml', type: 'application', subtype: 'yaml', stream: false },
  { media: 'protobuf', type: 'application', subtype: 'vnd.kubernetes.protobuf', stream: true },
]

/** A meta.k8s.io transform asked for with `as`, `g` and `v`. */
export interface Convert {
  readonly kind: string
  readonly group: string
  readonly version: string
}

/** The outcome of a negotiation: the serializer and the transform of the clause that won. */
export interface Negotiated {
  readonly media: Media
  readonly convert?: Convert | undefined
}

/** One clause of an Accept header. */
interface Clause {
  readonly type: string
  readonly subtype: string
  readonly q: number
  readonly params: ReadonlyMap<string, string>
}

/** `s` split at the first `sep`: the part before and what remains after it. */
function cut(s: string, sep: string): [item: string, remaining: string] {
  const at = s.indexOf(sep)
  return at < 0 ? [s, ''] : [s.slice(0, at), s.slice(at + 1)]
}

/** goautoneg's order: it says `a` goes before `b` on quality, then on a concrete type, then subtype. */
function less(a: Clause, b: Clause): boolean {
  if (a.q > b.q) return true
  if (a.type !== '*' && b.type === '*') return true
  return a.subtype !== '*' && b.subtype === '*'
}

/**
 * The clauses of an Accept header, parsed and ordered as goautoneg's ParseAccept does them: only spaces
 * are trimmed, a malformed range or parameter is skipped, an unreadable `q` is 0, and the order is Go's
 * sort.Sort of its comparison, an insertion sort for the short headers clients send (a merge sort
 * past 12 clauses: see mergeSort).
 */
export function parseAccept(header: string): Clause[] {
  const out: Clause[] = []
  let remaining = header
  while (remaining.length > 0) {
    let part: string
    ;[part, remaining] = cut(remaining, ',')
    part = trimCharRun(part, ' ', 'both')
    const [range, paramText] = cut(part, ';')
    const [first, afterType] = cut(range, '/')
    const type = trimCharRun(first, ' ', 'both')
    let subtype: string
    if (afterType.length === 0) {
      if (type !== '*') continue
      subtype = '*'
    } else {
      const [second, extra] = cut(afterType, '/')
      if (extra.length > 0) continue
      subtype = trimCharRun(second, ' ', 'both')
    }
    let q = 1
    const params = new Map<string, string>()
    let rest = paramText
    while (rest.length > 0) {
      let p: string
      ;[p, rest] = cut(rest, ';')
      const [key, afterKey] = cut(p, '=')
      if (afterKey.length === 0) continue
      const [value, extra] = cut(afterKey, '=')
      if (extra.length !== 0) continue
      const token = trimCharRun(key, ' ', 'both')
      // strconv.ParseFloat of the untrimmed value: anything it cannot read is 0.
      // `\d+(\.\d*)?`, not `\d+\.?\d*`: the same numbers, without two adjacent digit runs to split.
      if (token === 'q') q = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(value) ? Number(value) : 0
      else params.set(token, trimCharRun(value, ' ', 'both'))
    }
    out.push({ type, subtype, q, params })
  }
  return out.length <= INSERTION_SORT_MAX ? insertionSort(out) : mergeSort(out)
}

/** Go's sort.Sort sorts this many elements or fewer by insertion, as here. */
const INSERTION_SORT_MAX = 12

function insertionSort(clauses: Clause[]): Clause[] {
  for (let i = 1; i < clauses.length; i++) {
    for (let j = i; j > 0 && less(clauses[j] as Clause, clauses[j - 1] as Clause); j--) {
      const t = clauses[j] as Clause
      clauses[j] = clauses[j - 1] as Clause
      clauses[j - 1] = t
    }
  }
  return clauses
}

/**
 * A stable merge sort by `less`, for headers of more than 12 clauses: insertion took time quadratic in
 * the clauses (about 0.1 s of CPU for the 16 KiB a header may hold). Go sorts these with pdqsort,
 * whose order of clauses goautoneg's comparison does not rank (it is no strict weak order: a concrete
 * type with a lower q goes before `*` and after it) is its own; this order is the insertion sort's
 * wherever the comparison ranks consistently, such as between clauses that differ by q alone.
 */
function mergeSort(clauses: readonly Clause[]): Clause[] {
  let from = [...clauses]
  let to: Clause[] = new Array<Clause>(from.length)
  for (let width = 1; width < from.length; width *= 2) {
    for (let start = 0; start < from.length; start += 2 * width) {
      const mid = Math.min(start + width, from.length)
      const end = Math.min(start + 2 * width, from.length)
      let i = start
      let j = mid
      let k = start
      // Take from the right run only when its head goes strictly before the left run's: stable.
      while (i < mid && j < end) to[k++] = less(from[j] as Clause, from[i] as Clause) ? (from[j++] as Clause) : (from[i++] as Clause)
      while (i < mid) to[k++] = from[i++] as Clause
      while (j < end) to[k++] = from[j++] as Clause
    }
    ;[from, to] = [to, from]
  }
  return from
}

/** What an endpoint allows, as handlers.RequestScope's EndpointRestrictions. */
export interface Restrictions {
  /** A resource endpoint (a request scope); false for the default restrictions (errors, documents). */
  readonly resource: boolean
  /** A custom resource: protobuf only for meta.k8s.io transforms. */
  readonly custom?: boolean | undefined
}

function allowsTransform(media: Media, convert: Convert | undefined, restrictions: Restrictions): boolean {
  if (convert === undefined) return !(restrictions.resource && restrictions.custom === true && media === 'protobuf')
  if (!restrictions.resource) return false
  if (convert.group !== 'meta.k8s.io' || (convert.version !== 'v1' && convert.version !== 'v1beta1')) return false
  if (convert.kind === 'Table') return media === 'json' || media === 'yaml'
  return convert.kind === 'PartialObjectMetadata' || convert.kind === 'PartialObjectMetadataList'
}

/** Accept headers longer than this are negotiated afresh each time, never remembered. */
const CACHED_ACCEPT_LENGTH = 256
/** At most this many outcomes are remembered; the cache starts over when full. */
const CACHED_OUTCOMES = 64
/** Outcomes by restrictions and Accept header: clients send the same few headers on every request. */
const outcomes = new Map<string, Negotiated | undefined>()

/** The serializer and transform an Accept header settles on; undefined when nothing it accepts is served. */
export function negotiate(accept: string | undefined, restrictions: Restrictions): Negotiated | undefined {
  if (accept === undefined || accept === '') return { media: 'json' }
  if (accept.length > CACHED_ACCEPT_LENGTH) return negotiateAccept(accept, restrictions)
  const key = `${restrictions.resource ? 'r' : '-'}${restrictions.custom === true ? 'c' : '-'}${accept}`
  if (outcomes.has(key)) return outcomes.get(key)
  const outcome = negotiateAccept(accept, restrictions)
  if (outcomes.size >= CACHED_OUTCOMES) outcomes.clear()
  outcomes.set(key, outcome)
  return outcome
}

function negotiateAccept(accept: string, restrictions: Restrictions): Negotiated | undefined {
  for (const clause of parseAccept(accept)) {
    for (const s of SERIALIZERS) {
      const matches = (clause.type === s.type && (clause.subtype === s.subtype || clause.subtype === '*')) || (clause.type === '*' && clause.subtype === '*')
      if (!matches) continue
      let convert: { kind: string; group: string; version: string } | undefined
      let refused = false
      for (const [key, value] of clause.params) {
        if (key === 'as' || key === 'g' || key === 'v') {
          convert ??= { kind: '', group: '', version: '' }
          if (key === 'as') convert.kind = value
          if (key === 'g') convert.group = value
          if (key === 'v') convert.version = value
        } else if (key === 'stream') {
          if (value !== '' && (!s.stream || value !== 'watch')) refused = true
        } else if (key === 'sv') {
          // A request scope serves its meta group version, v1; the default restrictions serve none.
          if (value !== '' && !(restrictions.resource && value === 'v1')) refused = true
        }
      }
      if (refused || !allowsTransform(s.media, convert, restrictions)) continue
      return { media: s.media, convert }
    }
  }
  return undefined
}

/** The 406 of a request whose Accept header names nothing served, listing what is. */
export function notAcceptable(stream: boolean): StatusError {
  const types = SERIALIZERS.filter((s) => !stream || s.stream).map((s) => `${s.type}/${s.subtype}${stream ? ';stream=watch' : ''}`)
  return new StatusError({ code: 406, reason: 'NotAcceptable', message: `only the following media types are accepted: ${types.join(', ')}` })
}

/** The output of a resource request, or kube-apiserver's 406; a watch must also land on a streaming serializer. */
export function negotiateResource(accept: string | undefined, options: { readonly custom: boolean; readonly watch: boolean }): Negotiated {
  const out = negotiate(accept, { resource: true, custom: options.custom })
  if (out === undefined) throw notAcceptable(false)
  if (options.watch && out.media === 'yaml') throw notAcceptable(true)
  return out
}
