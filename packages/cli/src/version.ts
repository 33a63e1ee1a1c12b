import { createRequire } from 'node:module'

let known: string | undefined

/** The CLI's version, from its package.json (read on first use, not at every start). */
export function version(): string {
  known ??= (createRequire(import.meta.url)('../package.json') as { version: string }).version
  return known
}
