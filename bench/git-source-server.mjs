// The test git server in its own process, so that neither the benchmark's synchronous timing of
// native git nor its in-process fetches share an event loop with the server:
//   node bench/git-source-server.mjs ROOT   prints "BASE CANNED" (two base URLs), serves until stdin closes.
// BASE is git http-backend behind the package's test server (one CGI process per request, as a
// git host would run). CANNED answers each distinct GET from memory after asking BASE once: it
// takes the server out of the no-change check, so that what remains is the client's own cost.
import { Buffer } from 'node:buffer'
import { createServer, get } from 'node:http'
import { startGitServer } from '../packages/git-source/dist/testing.js'

const server = await startGitServer({ root: process.argv[2] })
const answers = new Map()
const ask = (path, protocol) =>
  new Promise((resolve, reject) => {
    const headers = protocol === undefined ? {} : { 'git-protocol': protocol }
    get(`${server.url}${path}`, { headers }, (res) => {
      const chunks = []
      res.on('data', (chunk) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode, type: res.headers['content-type'], body: Buffer.concat(chunks) }))
    }).on('error', reject)
  })
const canned = createServer((req, res) => {
  const protocol = req.headers['git-protocol']
  const key = `${req.url} ${protocol}`
  if (req.method !== 'GET') return void res.writeHead(405).end()
  const answer = answers.get(key) ?? ask(req.url, protocol)
  answers.set(key, answer)
  answer.then(
    ({ status, type, body }) => res.writeHead(status, type === undefined ? {} : { 'content-type': type }).end(body),
    () => res.writeHead(502).end(),
  )
})
await new Promise((resolve) => canned.listen(0, '127.0.0.1', resolve))
process.stdout.write(`${server.url} http://127.0.0.1:${canned.address().port}\n`)
process.stdin.resume()
process.stdin.on('end', () => {
  canned.close()
  void server.stop().then(() => process.exit(0))
})
