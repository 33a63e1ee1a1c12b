// Decrypts 1,000 small Secret files and one 5 MB YAML file in one process with @gitops-sdk/secrets
// (MAC verified) and with sops-age (which skips the MAC), on the same files, and prints the ratio.
// Run: node scripts/run.mjs build && node bench/run.mjs secrets
import { performance } from 'node:perf_hooks'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const secrets = await import(pathToFileURL(join(root, 'packages/secrets/dist/index.js')).href)
const require = createRequire(join(root, 'packages/secrets/package.json'))
const { decryptSops } = await import(pathToFileURL(require.resolve('sops-age')).href)

const FILES = Number(process.env.BENCH_FILES ?? 1000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const { secretKey, recipient } = await secrets.generateIdentity()
const identities = await secrets.parseIdentities(secretKey)
const others = await Promise.all([1, 2].map(() => secrets.generateIdentity()))
const recipients = [recipient, ...others.map((o) => o.recipient)]

function secretYaml(i) {
  return `apiVersion: v1\nkind: Secret\nmetadata:\n    name: app-${i}\n    namespace: team-${i % 7}\ntype: Opaque\nstringData:\n    username: user-${i}\n    password: ${'p'.repeat(24)}-${i}\n    url: postgres://db-${i}.internal:5432/app\n`
}

process.stderr.write(`encrypting ${FILES} small files and one 5 MB file…\n`)
const small = []
for (let i = 0; i < FILES; i++) {
  small.push(await secrets.encrypt(secretYaml(i), { format: 'yaml', recipients, rules: { encryptedRegex: '^(data|stringData)$' } }))
}
let bigPlain = 'stringData:\n'
for (let i = 0; bigPlain.length < 1.6 * 1024 * 1024; i++) bigPlain += `    key-${i}: ${'v'.repeat(40)}-${i}\n`
const big = await secrets.encrypt(bigPlain, { format: 'yaml', recipients, rules: { encryptedRegex: '^stringData$' } })
process.stderr.write(`big file: ${(big.length / 1024 / 1024).toFixed(1)} MB encrypted\n`)

async function time(fn) {
  globalThis.gc?.()
  const start = performance.now()
  await fn()
  return performance.now() - start
}

// Both decrypt the files one after another, in the same process, on the same machine.
const ours = {
  small: async () => {
    for (const f of small) await secrets.decrypt(f, { format: 'yaml', identities })
  },
  big: () => secrets.decrypt(big, { format: 'yaml', identities }),
}
const theirs = {
  small: async () => {
    for (const f of small) await decryptSops(f, { secretKey, fileType: 'yaml' })
  },
  big: () => decryptSops(big, { secretKey, fileType: 'yaml' }),
}
await ours.small()
await theirs.small()
// Rounds alternate between the two so that a noisy neighbour hurts both alike; the best round counts.
const results = { small: { ours: Infinity, theirs: Infinity }, big: { ours: Infinity, theirs: Infinity } }
for (let r = 0; r < ROUNDS; r++) {
  for (const kind of ['small', 'big']) {
    results[kind].ours = Math.min(results[kind].ours, await time(ours[kind]))
    results[kind].theirs = Math.min(results[kind].theirs, await time(theirs[kind]))
  }
}
const s = results.small
const b = results.big
console.log(`node ${process.version}, ${FILES} files, best of ${ROUNDS}`)
console.log(`| case | @gitops-sdk/secrets (MAC verified) | sops-age 4.0.2 (no MAC) | ratio |`)
console.log(`|---|---|---|---|`)
console.log(`| ${FILES} small Secret files | ${s.ours.toFixed(0)} ms (${(s.ours / FILES).toFixed(2)} ms/file) | ${s.theirs.toFixed(0)} ms (${(s.theirs / FILES).toFixed(2)} ms/file) | ${(s.theirs / s.ours).toFixed(1)}x |`)
console.log(`| one ${(big.length / 1024 / 1024).toFixed(1)} MB YAML file | ${b.ours.toFixed(0)} ms | ${b.theirs.toFixed(0)} ms | ${(b.theirs / b.ours).toFixed(1)}x |`)
