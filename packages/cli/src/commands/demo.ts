import { outputFormat, parseCommandArgs, printResult, stringFlag } from '../context.js'
import type { Command } from '../context.js'

export const demoCommand: Command = {
  name: 'demo',
  summary: 'a guided tour: parse and print the example fleet repository',
  help: `gitops demo: a guided tour of what the SDK does, on the example fleet in examples/.

Usage:
  gitops demo [--dir DIR]

Flags:
  --dir DIR   the example fleet repository (default: examples/fleet)

Example:
  npm run demo
`,
  async run({ io, argv }) {
    const { values } = parseCommandArgs(argv, { dir: { type: 'string', default: 'examples/fleet' } })
    const format = outputFormat(values.output)
    const { nodeFs, parseObjects, readTextFile, formatRef, refOf, stringifyObjects } = await import('@gitops-sdk/core')
    const fs = nodeFs(stringFlag(values, 'dir') ?? 'examples/fleet')
    const files: string[] = []
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await fs.readdir(dir)) {
        const path = dir === '' ? entry.name : `${dir}/${entry.name}`
        if (entry.type === 'directory') await walk(path)
        else if (/\.ya?ml$/.test(entry.name) && entry.name !== 'kustomization.yaml') files.push(path)
      }
    }
    await walk('base')
    const objects = (await Promise.all(files.map(async (f) => parseObjects(await readTextFile(fs, f), { source: f })))).flat()
    printResult(io, { format, data: { objects: objects.map((o) => formatRef(refOf(o))) }, text: () => stringifyObjects(objects) })
    return 0
  },
}
