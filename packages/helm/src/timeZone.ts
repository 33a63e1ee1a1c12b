// Go's time.Local for a render: which zone `now`, `date`, `toDate` and time.Time's methods print
// and parse in. helm takes it from $TZ (Go's initLocal); the SDK's library code reads no
// environment, so a render names its zone, and loadLocalTimeZone resolves $TZ as Go does for the
// command line.
import { readZoneFile } from './internal/funcs/tzif.js'

/**
 * A zone given by its TZif data (RFC 8536), as Go loads `/etc/localtime` or the file a `TZ=/path`
 * names.
 */
export interface TimeZoneData {
  /**
   * What the zone's Location prints (`{{ now.Location }}`): Go names `/etc/localtime` `Local`
   * and a `TZ=/path` zone by its path.
   */
  readonly name: string
  /** The TZif file's bytes. Data Go would refuse (not TZif, truncated) makes the zone UTC, as Go's. */
  readonly tzif: Uint8Array
}

/**
 * The zone Go's `time.Local` is in a render: an IANA name read from the system's zoneinfo
 * directories as Go reads it (`Europe/Paris`), or a zone's TZif data. `''`, `'UTC'`, a name no
 * zoneinfo directory holds and a name Go's LoadLocation refuses (`..`, an absolute path, NUL) are
 * UTC, as Go falls back; nothing is read outside the zoneinfo directories.
 */
export type HelmTimeZone = string | TimeZoneData

/** Options of {@link loadLocalTimeZone}. */
export interface LoadLocalTimeZoneOptions {
  /**
   * Reads a zone file (`/etc/localtime`, or the absolute path `TZ` names); undefined when it is
   * missing or not a regular file. @defaultValue node:fs, refusing files over 10 MiB as Go does
   */
  readonly readFile?: ((path: string) => Uint8Array | undefined) | undefined
}

/**
 * The zone helm's `time.Local` would be in with this environment, resolved as Go's initLocal
 * resolves `TZ`: unset, `/etc/localtime`'s data named `Local`; `''` (or `':'`), UTC; `Name` or
 * `:Name`, that zone of the zoneinfo directories (UTC when unknown); `/path` or `:/path`, that
 * file's data named by its path (`Local` for `/etc/localtime`), UTC when it is no TZif file.
 * This is what the `gitops` command line passes as `timeZone` for `gitops template` and
 * kustomize's `helmCharts`; a library caller decides for itself (Flux's helm-controller renders
 * in its container's zone, normally UTC).
 *
 * @example
 * ```ts
 * const rendered = await renderChart('charts/web', { timeZone: loadLocalTimeZone(process.env) })
 * ```
 */
export function loadLocalTimeZone(env: Readonly<Record<string, string | undefined>>, options: LoadLocalTimeZoneOptions = {}): HelmTimeZone {
  const read = options.readFile ?? readZoneFile
  let tz = env.TZ
  if (tz === undefined) {
    const data = read('/etc/localtime')
    return data === undefined ? 'UTC' : { name: 'Local', tzif: data }
  }
  if (tz.startsWith(':')) tz = tz.slice(1)
  if (tz === '' || tz === 'UTC') return 'UTC'
  if (tz.startsWith('/')) {
    const data = tz.includes('\0') ? undefined : read(tz)
    return data === undefined ? 'UTC' : { name: tz === '/etc/localtime' ? 'Local' : tz, tzif: data }
  }
  return tz
}
