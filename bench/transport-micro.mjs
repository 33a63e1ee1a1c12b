#!/usr/bin/env node
// Client CPU per request of the HTTP clients the direct transport could use (issue 15, "The CLI's
// apply"): N server-side apply PATCHes of a ConfigMap (every other one a dry-run, as a first apply
// sends them), 16 in flight, to the embedded API server in a process of its own. Each client runs in
// a fresh process; the rounds interleave the clients so that a change of the machine's load hits
// them alike. Reports, per client, the medians of its CPU (user + system) per request, of the
// server's CPU per request and of its set-up (module load, kubeconfig, first connection).
//
// Clients:
//   h2              the direct transport as `gitops apply` uses it (node:http2, one session)
//   https           the same transport with ALPN limited to http/1.1 (node:https keep-alive pool)
//   h1              the same transport with protocol 'http1' (HTTP/1.1 written and parsed on its own pool of 16 TLS sockets)
//   undici-request  undici's Pool (16 connections) through its request() API (a body stream per answer)
//   undici-dispatch undici's Pool through dispatch() with a handler (no stream per answer)
//   undici-h2       undici's Pool with allowH2 (one connection), through dispatch()
// The undici clients run when undici is installed (it is, as a dependency of client-node 2.x, the
// apply tests' second client-node); they load only the Pool and its request API, not undici's index.
//
//   node scripts/run.mjs build && node bench/transport-micro.mjs [requests, default 2000] [rounds, default 5]
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const CONCURRENCY = 16
const root = fileURLToPath(new URL('..', import.meta.url))

if (process.argv[2] === 'child') await child(process.argv.slice(3))
else await parent()

async function parent() {
  const requests = Number(process.argv[2] ?? '2000')
  const rounds = Number(process.argv[3] ?? '5')
  // Inside the apply package, so that the bundle finds @gitops-sdk/core (and core its yaml) as the package does.
  const cache = join(root, 'packages/apply/node_modules/.cache')
  mkdirSync(cache, { recursive: true })
  const dir = mkdtempSync(join(cache, 'transport-micro-'))
  try {
    // The transport is internal to @gitops-sdk/apply: bundle it from its source for this run.
    const { build } = await import('esbuild')
    await build({ entryPoints: [join(root, 'packages/apply/src/internal/directTransport.ts')], bundle: true, platform: 'node', format: 'esm', outfile: join(dir, 'h2.mjs'), external: ['@gitops-sdk/core', '@gitops-sdk/core/*'], logLevel: 'error' })
    const h2 = readFileSync(join(dir, 'h2.mjs'), 'utf8')
    const http1 = h2.replace('ALPNProtocols: ["h2", "http/1.1"]', 'ALPNProtocols: ["http/1.1"]')
    if (http1 === h2) throw new Error('transport-micro: the ALPN list of h2Session.ts changed; update this benchmark')
    writeFileSync(join(dir, 'https.mjs'), http1)
    const undici = undiciPath()
    const clients = ['h2', 'https', 'h1', ...(undici === undefined ? [] : ['undici-request', 'undici-dispatch', 'undici-h2'])]
    const kubeconfig = join(dir, 'kubeconfig')
    const server = spawn(process.execPath, [join(root, 'bench/apply-server.mjs'), kubeconfig], { stdio: ['pipe', 'pipe', 'inherit'] })
    await new Promise((resolve, reject) => {
      server.stdout.once('data', resolve)
      server.once('exit', (code) => reject(new Error(`apiserver exited with ${code}`)))
    })
    const load = () => loadavg().map((l) => l.toFixed(1)).join(' ')
    console.log(`Start: load average ${load()}; ${requests} requests per run, ${CONCURRENCY} in flight, ${rounds} rounds${undici === undefined ? ' (undici not installed: its clients skipped)' : ''}`)
    const results = Object.fromEntries(clients.map((c) => [c, []]))
    let run = 0
    for (let round = 0; round < rounds + 1; round++) {
      for (const client of round % 2 === 0 ? clients : [...clients].reverse()) {
        run += 1
        const out = spawnSync(process.execPath, [fileURLToPath(import.meta.url), 'child', client, String(requests), kubeconfig, String(server.pid), dir, undici ?? '', `r${run}`], { encoding: 'utf8' })
        if (out.status !== 0) throw new Error(`${client}: ${out.stderr}`)
        // The first round warms the server's tables and is not counted.
        if (round > 0) results[client].push(JSON.parse(out.stdout))
      }
    }
    console.log(`End: load average ${load()}\n`)
    console.log('| client | client CPU per request | server CPU per request | set-up CPU (load, connect) |')
    console.log('|---|---|---|---|')
    const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
    for (const client of clients) {
      const r = results[client]
      console.log(`| ${client} | ${median(r.map((x) => x.clientUs))} µs | ${median(r.map((x) => x.serverUs))} µs | ${median(r.map((x) => x.setupMs))} ms |`)
    }
    server.stdin.end()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** undici's folder, resolved from client-node 2.x (the apply package's dev dependency); undefined without it. */
function undiciPath() {
  try {
    const require = createRequire(realpathSync(join(root, 'packages/apply/node_modules/client-node-2/package.json')))
    return join(require.resolve('undici/package.json'), '..')
  } catch {
    return undefined
  }
}

async function child([client, count, kubeconfig, serverPid, dir, undici, prefix]) {
  const requests = Number(count)
  const serverMs = () => {
    const fields = readFileSync(`/proc/${serverPid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10
  }
  const started = process.cpuUsage()
  const transport = await import(join(dir, client === 'https' ? 'https.mjs' : 'h2.mjs'))
  const config = transport.directConfig({ type: "files", paths: kubeconfig }, undefined)
  if (config === undefined) throw new Error(`transport-micro: ${kubeconfig} is not a kubeconfig the direct transport serves`)
  const send = client.startsWith('undici') ? undiciSender(client, config, undici) : transport.createDirectTransport(config, { headers: {}, maxSockets: CONCURRENCY, ...(client === 'h1' ? { protocol: 'http1' } : {}) })
  const apply = (path, body, dryRun) =>
    send.send({ method: 'PATCH', path, query: { fieldManager: 'bench', force: 'true', dryRun: dryRun ? 'All' : undefined }, body: JSON.stringify(body), contentType: 'application/apply-patch+yaml', timeout: 30_000 })
  const ns = await apply(`/api/v1/namespaces/${prefix}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: prefix } }, false)
  if (ns.status >= 300) throw new Error(ns.text)
  const ready = process.cpuUsage()
  const server0 = serverMs()
  let next = 0
  const worker = async () => {
    while (next < requests) {
      const i = next++
      const name = `cm-${i >> 1}`
      const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: prefix, labels: { app: 'bench' } }, data: { a: 'x'.repeat(200), b: String(i) } }
      const r = await apply(`/api/v1/namespaces/${prefix}/configmaps/${name}`, body, (i & 1) === 0)
      if (r.status >= 300) throw new Error(`${r.status} ${r.text}`)
      JSON.parse(r.text)
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  const used = process.cpuUsage(ready)
  const server1 = serverMs()
  send.close()
  const setup = (ready.user + ready.system - started.user - started.system) / 1000
  process.stdout.write(JSON.stringify({ client, clientUs: Math.round((used.user + used.system) / requests), serverUs: Math.round(((server1 - server0) * 1000) / requests), setupMs: Math.round(setup) }))
}

/** A transport-like sender over undici's Pool: request() or dispatch(), HTTP/1.1 or h2. */
function undiciSender(client, config, undici) {
  const require = createRequire(join(undici, 'package.json'))
  const Pool = require('./lib/dispatcher/pool.js')
  const { createSecureContext } = require('node:tls')
  const url = new URL(config.server)
  const h2 = client === 'undici-h2'
  const pool = new Pool(url.origin, {
    connections: h2 ? 1 : CONCURRENCY,
    allowH2: h2,
    pipelining: 1,
    connect: { secureContext: createSecureContext({ ca: config.tls.ca, cert: config.tls.cert, key: config.tls.key }), rejectUnauthorized: config.tls.rejectUnauthorized !== false },
  })
  const fixed = { accept: 'application/json', ...(config.token === undefined ? {} : { authorization: `Bearer ${config.token}` }) }
  const pathOf = (r) => `${r.path}${Object.entries(r.query ?? {}).filter(([, v]) => v !== undefined).map(([k, v], i) => `${i === 0 ? '?' : '&'}${k}=${v}`).join('')}`
  const headersOf = (r) => (r.body === undefined ? fixed : { ...fixed, 'content-type': r.contentType ?? 'application/json' })
  if (client === 'undici-request') {
    const request = require('./lib/api/api-request.js')
    return {
      send: async (r) => {
        const res = await request.call(pool, { path: pathOf(r), method: r.method, headers: headersOf(r), body: r.body })
        return { status: res.statusCode, text: await res.body.text() }
      },
      close: () => pool.close(),
    }
  }
  return {
    send: (r) =>
      new Promise((done, fail) => {
        const chunks = []
        let status = 0
        pool.dispatch(
          { path: pathOf(r), method: r.method, headers: headersOf(r), body: r.body },
          {
            onConnect() {},
            onHeaders(code) {
              status = code
              return true
            },
            onData(chunk) {
              chunks.push(chunk)
              return true
            },
            onComplete() {
              done({ status, text: Buffer.concat(chunks).toString('utf8') })
            },
            onError: fail,
          },
        )
      }),
    close: () => pool.close(),
  }
}
