// Preload of bench/apply-timeline.mjs: records each HTTP/1.1 request (its first line) written on a TLS
// socket of the process, when it was written and when its last answer chunk came, and each TLS
// connection (CONNECT, until secureConnect); writes them to $TIMELINE_OUT at exit, in ms since start.
const tls = require('node:tls'); const net = require('node:net')
const t0 = performance.timeOrigin; const now = () => performance.now()
const events = []; let n = 0
function wrap(sock) {
  const id = n++; let cur = null
  const w = sock.write
  sock.write = function (data, ...rest) {
    const s = typeof data === 'string' ? data : Buffer.from(data).toString('latin1', 0, 200)
    const line = s.slice(0, s.indexOf('\r\n'))
    if (/^[A-Z]+ \//.test(line)) { cur = { id, line: line.replace(/ HTTP\/1.1$/, '').slice(0, 110), start: now(), end: 0 }; events.push(cur) }
    return w.call(this, data, ...rest)
  }
  sock.on('data', () => { if (cur) cur.end = now() })
  events.push({ id, line: 'CONNECT', start: now(), end: 0, conn: true })
  sock.once('secureConnect', () => { events.find((e) => e.conn && e.id === id).end = now() })
  return sock
}
const tc = tls.connect; tls.connect = function (...a) { return wrap(tc.apply(this, a)) }
process.on('exit', () => {
  const lines = events.map((e) => `${e.start.toFixed(1).padStart(7)} ${e.end.toFixed(1).padStart(7)} ${(e.end - e.start).toFixed(1).padStart(6)} c${e.id} ${e.line}`)
  require('node:fs').writeFileSync(process.env.TIMELINE_OUT || require('node:path').join(require('node:os').tmpdir(), 'gitops-apply-timeline.txt'), lines.join('\n') + `\nexit ${now().toFixed(1)}\n`)
})
