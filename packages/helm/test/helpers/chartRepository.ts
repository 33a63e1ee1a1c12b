// A Helm HTTP repository for tests: chart archives written by hand (so broken ones can be made
// too) and a node:http server on 127.0.0.1 serving whatever the test puts in its routes.
import { createHash } from 'node:crypto'
import { createServer } from 'node:http'
import type { IncomingHttpHeaders, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gzipSync } from 'node:zlib'

/** One tar entry: a file, or (`type`) a symlink / directory. */
export interface TarEntry {
  readonly name: string
  readonly content?: string | undefined
  readonly type?: '0' | '2' | '5' | undefined
  readonly link?: string | undefined
}

function header(entry: TarEntry, size: number): Buffer {
  const h = Buffer.alloc(512)
  h.write(entry.name, 0, 100, 'utf8')
  h.write('0000644\0', 100)
  h.write('0000000\0', 108)
  h.write('0000000\0', 116)
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124)
  h.write('00000000000\0', 136)
  h.write('        ', 148)
  h.write(entry.type ?? '0', 156)
  if (entry.link !== undefined) h.write(entry.link, 157, 100)
  h.write('ustar\0', 257)
  h.write('00', 263)
  let sum = 0
  for (const b of h) sum += b
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148)
  return h
}

/** A gzipped tarball of `entries`. */
export function tgz(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = []
  for (const e of entries) {
    const data = Buffer.from(e.content ?? '')
    parts.push(header(e, data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512))
  }
  parts.push(Buffer.alloc(1024))
  return gzipSync(Buffer.concat(parts))
}

/** A small chart archive `name-version.tgz` whose files sit under `name/`. */
export function chartArchive(name: string, version: string, extra: Record<string, string> = {}): Buffer {
  const files: Record<string, string> = {
    'Chart.yaml': `apiVersion: v2\nname: ${name}\nversion: ${version}\n`,
    'values.yaml': 'greeting: hello\n',
    'templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  greeting: {{ .Values.greeting }}\n  version: {{ .Chart.Version }}\n',
    ...extra,
  }
  return tgz(Object.entries(files).map(([path, content]) => ({ name: `${name}/${path}`, content })))
}

/** The sha256 hex of `bytes`, as an index's `digest`. */
export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

/** An index.yaml listing `charts` (name → versions with their archive and URL). */
export function indexYaml(charts: Record<string, readonly { version: string; url: string; digest?: string | undefined }[]>): string {
  const lines = ['apiVersion: v1', 'entries:']
  for (const [name, versions] of Object.entries(charts)) {
    lines.push(`  ${name}:`)
    for (const v of versions) {
      lines.push(`  - name: ${name}`, `    version: ${v.version}`, `    urls: ["${v.url}"]`)
      if (v.digest !== undefined) lines.push(`    digest: ${v.digest}`)
    }
  }
  return `${lines.join('\n')}\n`
}

/** A route: the body and content type to answer, or a status. */
export interface Route {
  readonly status?: number | undefined
  readonly body?: string | Uint8Array | undefined
  readonly type?: string | undefined
  /** Answer only requests with this Authorization header (401 otherwise). */
  readonly authorization?: string | undefined
}

/** A running repository: its URL, its routes (editable), the requests it saw. */
export interface ChartRepositoryServer {
  readonly url: string
  readonly routes: Map<string, Route>
  readonly requests: { readonly path: string; readonly headers: IncomingHttpHeaders }[]
  close(): Promise<void>
}

/** Starts a repository on 127.0.0.1 with an ephemeral port. */
export async function startChartRepository(): Promise<ChartRepositoryServer> {
  const routes = new Map<string, Route>()
  const requests: { path: string; headers: IncomingHttpHeaders }[] = []
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    requests.push({ path, headers: req.headers })
    const route = routes.get(path)
    if (route === undefined) {
      res.writeHead(404).end('not found')
      return
    }
    if (route.authorization !== undefined && req.headers.authorization !== route.authorization) {
      res.writeHead(401).end('unauthorized')
      return
    }
    res.writeHead(route.status ?? 200, { 'content-type': route.type ?? 'application/octet-stream' })
    res.end(route.body ?? '')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    routes,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
