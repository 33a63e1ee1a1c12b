// The `gitops` command as npm installs it: the cli package's bin (dist/bin.cjs), which every bench
// runs. (dist/bin.js is an ES module shim that imports it: Node's ES module loader and a parse of
// bin.cjs's exports, about 10 ms of CPU more per process.)
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const cliPackage = new URL('../packages/cli/', import.meta.url)

/** The absolute path of the cli package's `gitops` bin. */
export const gitopsBin = fileURLToPath(new URL(JSON.parse(readFileSync(new URL('package.json', cliPackage), 'utf8')).bin.gitops, cliPackage))
