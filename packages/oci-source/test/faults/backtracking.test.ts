import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runIsolated } from '../../../../testing/isolated.js'

// A registry's WWW-Authenticate challenge on which reading the key="value" pairs took seconds (the
// header is the registry's: the default fetch stops at 16 KiB, an injected one may take more). Run
// from the sources in a child process (testing/isolated.ts), bounded, so that a regression fails the
// test instead of holding the test runner: not a timing test, the bound is far from the linear time.
const here = fileURLToPath(new URL('.', import.meta.url))

describe('patterns that backtracked', () => {
  it('reads a long bearer challenge without pairs in linear time', async () => {
    const run = await runIsolated(`
      import { pullArtifact } from '../../src/index.js'
      for (const challenge of ['Bearer ' + 'a'.repeat(300_000), 'Bearer service="x",' + 'a="'.repeat(100_000)]) {
        const fetch = async () => new Response('', { status: 401, headers: { 'www-authenticate': challenge } })
        try { await pullArtifact('oci://registry.test/acme/fleet:v1', { fetch }); console.log('pulled') } catch (e) { console.log(e.code, e.message) }
      }`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim().split('\n')).toEqual(
      Array(2).fill('OCI_PROTOCOL_ERROR oci://registry.test/acme/fleet: the registry asks for a bearer token without naming its realm'),
    )
  })

  it('reads tar entry paths of megabytes (./ runs, slash runs, NUL runs) in linear time', async () => {
    const run = await runIsolated(`
      import { createHash } from 'node:crypto'
      import { gzipSync } from 'node:zlib'
      import { FLUX_CONTENT_MEDIA_TYPE, pullArtifact } from '../../src/index.js'
      const sha = (data) => 'sha256:' + createHash('sha256').update(data).digest('hex')
      const header = (name, type, size) => {
        const h = Buffer.alloc(512)
        h.write(name, 0, 100)
        h.write('0000644\\0', 100)
        h.write(size.toString(8).padStart(11, '0') + '\\0', 124)
        h.write('00000000000\\0', 136)
        h.write(' '.repeat(8), 148)
        h.write(type, 156)
        h.write('ustar\\0', 257)
        h.write('00', 263)
        let sum = 0
        for (const b of h) sum += b
        h.write(sum.toString(8).padStart(6, '0') + '\\0 ', 148)
        return h
      }
      const entry = (name, type, data) => [header(name, type, data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512)]
      // A PAX path of 2 MB of ./ then a name and 300,000 slashes; a GNU long name then 300,000 NULs.
      const body = ' path=' + './'.repeat(1_000_000) + 'a' + '/'.repeat(300_000) + '\\n'
      let length = body.length + String(body.length).length
      if (String(length).length + body.length !== length) length = String(length).length + body.length
      const file = Buffer.from('a: 1\\n')
      const pax = Buffer.concat([
        ...entry('PaxHeader', 'x', Buffer.from(length + body)), ...entry('a', '0', file),
        ...entry('././@LongLink', 'L', Buffer.from('b.yaml' + '\\0'.repeat(300_000) + 'x' + '\\0')), ...entry('b', '0', file),
        Buffer.alloc(1024),
      ])
      const layer = gzipSync(pax)
      const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, layers: [{ mediaType: FLUX_CONTENT_MEDIA_TYPE, digest: sha(layer), size: layer.byteLength }] }))
      const fetch = async (input, init) => {
        const target = new URL(input instanceof Request ? input.url : input)
        if (target.pathname.includes('/manifests/')) return new Response(init?.method === 'HEAD' ? null : manifest, { status: 200, headers: { 'docker-content-digest': sha(manifest) } })
        if (target.pathname.includes('/blobs/')) return new Response(layer, { status: 200 })
        return new Response(null, { status: 404 })
      }
      const result = await pullArtifact('oci://registry.test/acme/fleet:v1', { fetch })
      console.log(result.revision.startsWith('v1@sha256:'), result.files, new TextDecoder().decode(await result.fs.readFile('a')))`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('true 2 a: 1')
  })
})
