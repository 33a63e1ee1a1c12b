// The client of bench/deepEqual-clone-process-ab.mjs: applies `count` mixed objects to the server
// of `kubeconfig` (a first apply, then a no-op re-apply) and prints its own CPU time in ms.
import { applyAll, createKubeClient } from '../packages/apply/dist/index.js'
import { objects } from './mixedObjects.mjs'

const [kubeconfig, count] = process.argv.slice(2)
const client = await createKubeClient({ kubeconfig })
const list = objects(`ab${process.pid}`, Number(count))
await applyAll(list, { client, fieldManager: 'gitops-bench' })
await applyAll(list, { client, fieldManager: 'gitops-bench' })
const { user, system } = process.cpuUsage()
console.log(((user + system) / 1000).toFixed(0))
process.exit(0)
