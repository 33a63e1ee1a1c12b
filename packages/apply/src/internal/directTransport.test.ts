import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { getEventListeners } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDirectTransport, directConfig } from './directTransport.js'
import { RequestTimeoutError } from './transport.js'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gitops-direct-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const noProxy = {}
const ca = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')

function kubeconfig(parts: { cluster?: string; user?: string; context?: string; current?: string; extra?: string }): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    `current-context: ${parts.current ?? 'c'}`,
    'clusters:',
    '- name: k',
    '  cluster:',
    `    ${parts.cluster ?? 'server: https://127.0.0.1:6443'}`,
    'users:',
    '- name: u',
    '  user:',
    `    ${parts.user ?? 'token: abc'}`,
    'contexts:',
    '- name: c',
    '  context:',
    `    ${parts.context ?? 'cluster: k\n    user: u'}`,
    parts.extra ?? '',
  ].join('\n')
}

describe('directConfig', () => {
  it('takes a server, its CA, a token and a namespace from YAML text', () => {
    const text = kubeconfig({ cluster: `server: https://127.0.0.1:6443\n    certificate-authority-data: ${ca.toString('base64')}`, context: 'cluster: k\n    user: u\n    namespace: team' })
    const config = directConfig({ type: 'yaml', text }, undefined, noProxy)
    expect(config).toMatchObject({ server: 'https://127.0.0.1:6443', namespace: 'team', token: 'abc' })
    expect(config?.tls.ca).toEqual(ca)
  })

  it('reads a relative certificate-authority, client-certificate and client-key from the folder of their kubeconfig file', () => {
    writeFileSync(join(dir, 'ca.crt'), ca)
    writeFileSync(join(dir, 'me.crt'), 'cert')
    writeFileSync(join(dir, 'me.key'), 'key')
    const path = join(dir, 'relative.yaml')
    writeFileSync(path, kubeconfig({ cluster: 'server: https://h:1\n    certificate-authority: ca.crt\n    tls-server-name: api', user: 'client-certificate: me.crt\n    client-key: me.key' }))
    const config = directConfig({ type: 'files', paths: path }, undefined, noProxy)
    expect(config?.tls).toMatchObject({ ca, cert: Buffer.from('cert'), key: Buffer.from('key'), servername: 'api' })
    expect(config?.token).toBeUndefined()
  })

  it('merges a KUBECONFIG list as kubectl does: missing files skipped, the first file naming a context or current-context wins', () => {
    const first = join(dir, 'first.yaml')
    const second = join(dir, 'second.yaml')
    writeFileSync(first, kubeconfig({ cluster: 'server: https://first:1', current: 'c' }))
    writeFileSync(second, kubeconfig({ cluster: 'server: https://second:1', current: 'other', extra: '- name: other\n  context:\n    cluster: k' }))
    const paths = [join(dir, 'missing.yaml'), first, second].join(delimiter)
    expect(directConfig({ type: 'files', paths }, undefined, noProxy)?.server).toBe('https://first:1')
    expect(directConfig({ type: 'files', paths }, 'c', noProxy)?.server).toBe('https://first:1')
  })

  it('leaves to client-node what it does not serve itself: plugins, token files, basic auth, proxies, missing names, malformed files', () => {
    const cases = [
      kubeconfig({ user: 'exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: get-token' }),
      kubeconfig({ user: 'auth-provider:\n      name: oidc' }),
      kubeconfig({ user: 'tokenFile: /var/run/token' }),
      kubeconfig({ user: 'username: admin\n    password: secret' }),
      kubeconfig({ user: 'as: someone' }),
      kubeconfig({ cluster: 'server: https://h:1\n    proxy-url: http://proxy:3128' }),
      kubeconfig({ cluster: 'certificate-authority-data: x' }),
      kubeconfig({ current: 'nope' }),
      kubeconfig({ context: 'cluster: missing\n    user: u' }),
      kubeconfig({ user: 'client-certificate-data: eA==' }),
      kubeconfig({ cluster: 'server: https://h:1\n    certificate-authority: relative.crt' }),
      'clusters: [',
      'a: 1\n---\nb: 2\n',
      '- just\n- a list\n',
    ]
    for (const text of cases) expect(directConfig({ type: 'yaml', text }, undefined, noProxy), text).toBeUndefined()
    expect(directConfig({ type: 'yaml', text: kubeconfig({}) }, 'nope', noProxy)).toBeUndefined()
    expect(directConfig({ type: 'yaml', text: kubeconfig({}) }, undefined, { HTTPS_PROXY: 'http://proxy:3128' })).toBeUndefined()
    expect(directConfig({ type: 'files', paths: join(dir, 'none.yaml') }, undefined, noProxy)).toBeUndefined()
    expect(directConfig({ type: 'object', config: { exportConfig: () => kubeconfig({}) } }, undefined, noProxy)).toBeUndefined()
  })

  it('keeps polluting names as plain data and changes no prototype', () => {
    const text = kubeconfig({ current: '__proto__', extra: '- name: __proto__\n  context:\n    cluster: k\n    user: u\n- name: constructor\n  context:\n    cluster: k' })
    expect(directConfig({ type: 'yaml', text }, undefined, noProxy)?.token).toBe('abc')
    expect(directConfig({ type: 'yaml', text }, 'constructor', noProxy)?.token).toBeUndefined()
    expect(({} as Record<string, unknown>).cluster).toBeUndefined()
  })
})

/** The HTTP/1.1 ways of the direct transport: node:http's agent, and its own pool. */
const protocols = [
  { name: 'node:http', protocol: undefined },
  { name: 'own HTTP/1.1 pool', protocol: 'http1' as const },
]

describe.each(protocols)('createDirectTransport ($name)', ({ protocol }) => {
  it('sends the token, the extra headers, the query and the body, and returns status, text and headers', async () => {
    const seen: { url: string | undefined; headers: Record<string, unknown>; body: string }[] = []
    const server = createServer((req, res) => {
      let body = ''
      req.on('data', (c: Buffer) => (body += c.toString()))
      req.on('end', () => {
        seen.push({ url: req.url, headers: req.headers, body })
        res.writeHead(429, { 'Retry-After': '1', 'Content-Type': 'application/json' })
        res.end('{"kind":"Status"}')
      })
    })
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
    try {
      const { port } = server.address() as AddressInfo
      const transport = createDirectTransport({ server: `http://127.0.0.1:${port}/prefix/`, namespace: undefined, tls: {}, token: 't0k' }, { headers: { 'Impersonate-User': 'me' }, maxSockets: 2, protocol })
      const response = await transport.send({ method: 'PATCH', path: '/api/v1/namespaces/a/configmaps/b', query: { fieldManager: 'm', force: undefined }, body: '{"a":"é"}', contentType: 'application/apply-patch+yaml' })
      expect(response).toMatchObject({ status: 429, text: '{"kind":"Status"}', headers: { 'retry-after': '1' } })
      expect(seen[0]).toMatchObject({
        url: '/prefix/api/v1/namespaces/a/configmaps/b?fieldManager=m',
        body: '{"a":"é"}',
        headers: { authorization: 'Bearer t0k', 'impersonate-user': 'me', 'content-type': 'application/apply-patch+yaml', accept: 'application/json' },
      })
      const controller = new AbortController()
      controller.abort(new Error('stop'))
      await expect(transport.send({ method: 'GET', path: '/api', signal: controller.signal })).rejects.toThrow()
    } finally {
      server.closeAllConnections()
      await new Promise((done) => server.close(done))
    }
  })

  it('keeps at most maxSockets requests in flight, over keep-alive connections, and answers each its own', async () => {
    const total = 10
    let received = 0
    let inFlight = 0
    let most = 0
    const sockets = new Set<unknown>()
    const pending: (() => void)[] = []
    // Answers are held until maxSockets requests wait (or the last one came): a pool that sent more
    // at once would show a higher count; one that sent fewer would never be answered.
    const server = createServer((req, res) => {
      sockets.add(req.socket)
      received += 1
      inFlight += 1
      most = Math.max(most, inFlight)
      pending.push(() => {
        inFlight -= 1
        res.end(JSON.stringify({ path: req.url }))
      })
      if (pending.length === 3 || received === total) for (const answer of pending.splice(0)) answer()
    })
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
    try {
      const { port } = server.address() as AddressInfo
      const transport = createDirectTransport({ server: `http://127.0.0.1:${port}`, namespace: undefined, tls: {}, token: undefined }, { headers: {}, maxSockets: 3, protocol })
      const answers = await Promise.all(Array.from({ length: total }, (_, i) => transport.send({ method: 'GET', path: `/api/v1/namespaces/n${i}`, query: { labelSelector: 'a=b c' } })))
      expect(answers.map((a) => JSON.parse(a.text) as unknown)).toEqual(Array.from({ length: total }, (_, i) => ({ path: `/api/v1/namespaces/n${i}?labelSelector=a%3Db+c` })))
      expect(most).toBe(3)
      expect(sockets.size).toBe(3)
    } finally {
      server.closeAllConnections()
      await new Promise((done) => server.close(done))
    }
  })
})

describe.each(protocols)('createDirectTransport bounds ($name)', ({ protocol }) => {
  /** A server that never answers, counting connections closed by the client. */
  async function frozenServer(): Promise<{ url: string; received: () => number; closed: () => number; stop: () => Promise<void> }> {
    let received = 0
    let closed = 0
    const server = createServer((req) => {
      received += 1
      req.socket.once('close', () => (closed += 1))
    })
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
    const { port } = server.address() as AddressInfo
    return {
      url: `http://127.0.0.1:${port}`,
      received: () => received,
      closed: () => closed,
      stop: async () => {
        server.closeAllConnections()
        await new Promise((done) => server.close(done))
      },
    }
  }

  const until = async (condition: () => boolean): Promise<void> => {
    while (!condition()) await new Promise((done) => setImmediate(done))
  }

  it('gives up a request after its timeout with a RequestTimeoutError and closes its connection', async () => {
    const server = await frozenServer()
    try {
      const transport = createDirectTransport({ server: server.url, namespace: undefined, tls: {}, token: undefined }, { headers: {}, maxSockets: 2, protocol })
      expect(transport.deadlines).toBe(true)
      const err = await transport.send({ method: 'GET', path: '/api', timeout: 50 }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(RequestTimeoutError)
      expect(err).toMatchObject({ timeout: 50, message: 'no answer within 50 ms' })
      await until(() => server.closed() === 1)
    } finally {
      await server.stop()
    }
  })

  it('fails every request in flight with the reason of their aborted signal, through one listener, and closes their connections', async () => {
    const server = await frozenServer()
    try {
      const transport = createDirectTransport({ server: server.url, namespace: undefined, tls: {}, token: undefined }, { headers: {}, maxSockets: 4, protocol })
      const controller = new AbortController()
      const reason = new Error('stop')
      const sent = Array.from({ length: 4 }, (_, i) => transport.send({ method: 'PATCH', path: `/api/v1/namespaces/n${i}`, body: '{}', signal: controller.signal, timeout: 60_000 }).catch((e: unknown) => e))
      await until(() => server.received() === 4)
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1)
      controller.abort(reason)
      expect(await Promise.all(sent)).toEqual([reason, reason, reason, reason])
      await until(() => server.closed() === 4)
      // A request after the abort is refused before anything is sent.
      await expect(transport.send({ method: 'GET', path: '/api', signal: controller.signal })).rejects.toBe(reason)
      expect(server.received()).toBe(4)
    } finally {
      await server.stop()
    }
  })

  it('forgets a settled request: a later abort of the same signal touches nothing', async () => {
    const server = createServer((_req, res) => res.end('{}'))
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
    try {
      const { port } = server.address() as AddressInfo
      const transport = createDirectTransport({ server: `http://127.0.0.1:${port}`, namespace: undefined, tls: {}, token: undefined }, { headers: {}, maxSockets: 1, protocol })
      const controller = new AbortController()
      const answers = await Promise.all([1, 2, 3].map(() => transport.send({ method: 'GET', path: '/api', signal: controller.signal, timeout: 60_000 })))
      expect(answers.map((a) => a.text)).toEqual(['{}', '{}', '{}'])
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1)
      controller.abort(new Error('late'))
      // The pooled connection is still usable by a request without that signal.
      expect((await transport.send({ method: 'GET', path: '/api' })).text).toBe('{}')
    } finally {
      server.closeAllConnections()
      await new Promise((done) => server.close(done))
    }
  })
})
