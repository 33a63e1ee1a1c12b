// The test git server in its own process, so that neither the benchmark's synchronous timing of
// native git nor its in-process fetches share an event loop with the server:
//   node bench/git-source-server.mjs ROOT   prints the base URL, serves until stdin closes.
import { startGitServer } from '../packages/git-source/dist/testing.js'

const server = await startGitServer({ root: process.argv[2] })
process.stdout.write(`${server.url}\n`)
process.stdin.resume()
process.stdin.on('end', () => void server.stop().then(() => process.exit(0)))
