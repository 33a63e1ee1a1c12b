// What the kustomize tree generators (renderTree.mjs, shapesTree.mjs) share: writing a file under
// the tree's root, and running as a command (`node bench/<file> DIR N`).
import { mkdirSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Writes `text` to `root/path`, creating its folders. */
export function write(root, path, text) {
  const full = join(root, path)
  mkdirSync(dirname(full), { recursive: true })
  writeFileSync(full, text)
}

/** When the module at `moduleUrl` is the script node runs, generates DIR N with `generate` and prints the root. */
export function runAsCommand(moduleUrl, generate) {
  if (process.argv[1] !== fileURLToPath(moduleUrl)) return
  const [dir, n] = process.argv.slice(2)
  if (dir === undefined || n === undefined) {
    console.error(`usage: node bench/${basename(fileURLToPath(moduleUrl))} DIR N`)
    process.exit(2)
  }
  console.log(generate(dir, Number(n)))
}
