// API errors quote the value they refuse (`data[token]: Invalid value: "s3cr3t": …`); about a
// Secret that is the plaintext. Before an error about a Secret becomes an ApplyError (whose message
// reaches change sets, logs, status, events and metrics), every value of the Secret that was sent
// is replaced by `***`, and so is every quoted string the API added that is not a known name or
// key, so a value is hidden even when the server quotes it in a form we did not send.
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeObject } from '@gitops-sdk/core'
import type { ParsedStatus } from './parsedStatus.js'

/** What to hide in an error about one Secret. */
export interface SecretMask {
  /** Values to hide wherever they appear: each data value, decoded and encoded, each stringData value. */
  readonly values: readonly string[]
  /** Quoted strings that may stay: the Secret's name, namespace, type and keys. */
  readonly keep: ReadonlySet<string>
}

const MASK = '***'

/** The mask for an error about `object` (a Secret), or for a Secret named `name` when no object was sent. */
export function secretMask(object: KubeObject | undefined, names: readonly string[] = []): SecretMask {
  const values = new Set<string>()
  const keep = new Set<string>(['Secret', 'v1', 'Opaque', ...names.filter((n) => n !== '')])
  if (object !== undefined) {
    keep.add(object.metadata.name)
    if (typeof object.metadata.namespace === 'string') keep.add(object.metadata.namespace)
    if (typeof object.type === 'string') keep.add(object.type)
    for (const field of ['data', 'stringData'] as const) {
      const map = object[field]
      if (!isKubeMap(map)) continue
      for (const [key, value] of Object.entries(map)) {
        keep.add(key)
        const text = typeof value === 'string' ? value : JSON.stringify(value)
        if (typeof text !== 'string') continue
        values.add(text)
        if (field === 'data') values.add(Buffer.from(text, 'base64').toString('utf8'))
        else values.add(Buffer.from(text).toString('base64'))
      }
    }
  }
  // Escaped forms too (JSON and Go %q quote newlines and quotes the same way for ASCII text).
  for (const v of [...values]) values.add(JSON.stringify(v).slice(1, -1))
  // Longest first, so a value containing another is hidden whole; a value too short to find
  // safely by substring is left to the quoted-string rule below.
  const sorted = [...values].filter((v) => v.length >= 2).sort((a, b) => b.length - a.length)
  return { values: sorted, keep }
}

/** The text with every secret value hidden. */
export function maskText(text: string, mask: SecretMask): string {
  let out = text
  for (const value of mask.values) out = out.split(value).join(MASK)
  // Field managers in a conflict are names, not values; they stay.
  const before = out
  out = out.replace(/"((?:[^"\\]|\\.)*)"/g, (...match: unknown[]) => {
    const [whole, inner, offset] = match as [string, string, number]
    return mask.keep.has(inner) || inner === MASK || before.slice(0, offset).endsWith('conflict with ') ? whole : `"${MASK}"`
  })
  out = out.replace(/\[\]byte\{[^}]*\}/g, `[]byte{${MASK}}`)
  out = out.replace(/(Invalid value: )(-?\d[\w.+-]*|true|false|map\[[^\]]*\][^:]*|\{[^:]*\})/g, `$1${MASK}`)
  return out
}

/** The parsed answer with its message and every cause's message masked. */
export function maskStatus(status: ParsedStatus, mask: SecretMask): ParsedStatus {
  return {
    ...status,
    message: maskText(status.message, mask),
    causes: status.causes.map((c) => ({ ...c, message: maskText(c.message, mask) })),
  }
}

/** Whether an object or target is a core Secret. */
export function isSecretKind(group: string, kind: string): boolean {
  return group === '' && kind === 'Secret'
}
