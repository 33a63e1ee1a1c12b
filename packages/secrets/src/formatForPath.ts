import type { SopsFormat } from './types.js'

/**
 * The sops store for a file name, as sops picks it: `.yaml`/`.yml` → yaml, `.json` → json,
 * `.env` → dotenv, `.ini` → ini, anything else → binary. A name ending in `.dockerconfigjson` is
 * JSON, as Flux's kustomize-controller treats Secret keys.
 *
 * @example
 * ```ts
 * formatForPath('secrets/app.enc.yaml') // → 'yaml'
 * ```
 */
export function formatForPath(path: string): SopsFormat {
  const name = path.toLowerCase()
  if (name.endsWith('.yaml') || name.endsWith('.yml')) return 'yaml'
  if (name.endsWith('.json') || name.endsWith('.dockerconfigjson')) return 'json'
  if (name.endsWith('.env')) return 'dotenv'
  if (name.endsWith('.ini')) return 'ini'
  return 'binary'
}
