import { outputFormat, parseCommandArgs, printResult, stringFlag, stringListFlag, booleanFlag, UsageError } from '../context.js'
import type { Command } from '../context.js'
import type * as NodeFs from 'node:fs'
import type { FileSystem } from '@gitops-sdk/core'

export const buildCommand: Command = {
  name: 'build',
  summary: 'build a kustomization as kubectl kustomize does, with Flux post-build substitution',
  help: `gitops build: build the kustomization in DIR and print its objects, byte for byte what
\`kubectl kustomize DIR\` prints (kustomize v5.5.0). Warnings go to stderr.

Usage:
  gitops build DIR [--substitute K=V]... [--substitute-from FILE] [--plain-dirs]

Flags:
  --substitute K=V        a Flux post-build variable (repeatable; wins over --substitute-from)
  --substitute-from FILE  variables from a file: dotenv KEY=value lines, a YAML map, or a
                          ConfigMap/Secret manifest (as Flux's substituteFrom)
  --plain-dirs            build DIR without a kustomization file from every YAML file in it, as Flux does

Examples:
  gitops build clusters/prod
  gitops build apps/podinfo --substitute cluster_env=prod --substitute-from vars.env
`,
  async run({ io, argv, signal }) {
    const { values, positionals } = parseCommandArgs(argv, {
      substitute: { type: 'string', multiple: true },
      'substitute-from': { type: 'string' },
      'plain-dirs': { type: 'boolean', default: false },
    })
    const format = outputFormat(values.output)
    if (positionals.length !== 1) throw new UsageError('build takes exactly one directory: gitops build DIR')
    const variables: Record<string, string> = {}
    for (const pair of stringListFlag(values, 'substitute')) {
      const eq = pair.indexOf('=')
      if (eq <= 0) throw new UsageError(`--substitute ${pair}: expected NAME=value`)
      variables[pair.slice(0, eq)] = pair.slice(eq + 1)
    }
    const [{ stringifyObjects }, { render, parseVariables }, { readFile }, path, fsSync] = await Promise.all([
      import('@gitops-sdk/core'),
      import('@gitops-sdk/render'),
      import('node:fs/promises'),
      import('node:path'),
      import('node:fs'),
    ])
    const from = stringFlag(values, 'substitute-from')
    let fileVariables: Record<string, string> = {}
    if (from !== undefined) {
      const text = await readFile(path.resolve(io.cwd ?? process.cwd(), from), { encoding: 'utf8', signal }).catch((err: unknown) => {
        throw new UsageError(`--substitute-from ${from}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`)
      })
      fileVariables = parseVariables(text, from)
    }
    const substituting = from !== undefined || Object.keys(variables).length > 0
    const dir = path.resolve(io.cwd ?? process.cwd(), positionals[0] as string)
    const fsRoot = path.parse(dir).root
    const objects = await render(path.relative(fsRoot, dir).split(path.sep).join('/'), {
      fs: await diskFs(fsRoot, fsSync),
      plainDirectories: booleanFlag(values, 'plain-dirs'),
      substitute: substituting ? { variables: { ...fileVariables, ...variables } } : undefined,
      onWarning: (w) => io.stderr.write(`${w}\n`),
      signal,
    })
    printResult(io, { format, data: objects, text: () => stringifyObjects(objects) })
    return 0
  },
}

/**
 * The whole disk as a FileSystem, read synchronously. core's nodeFs resolves every path's real
 * path to keep reads inside its root; rooted at the file system root nothing can leave it, and a
 * command-line build has nothing else to do while it waits, so direct synchronous calls are what
 * make \`gitops build\` fast on trees of thousands of files.
 */
async function diskFs(root: string, fs: typeof NodeFs): Promise<FileSystem> {
  const { CoreError, normalizePath } = await import('@gitops-sdk/core')
  const abs = (path: string): string => root + normalizePath(path)
  const fail = (code: 'CORE_FS_NOT_FOUND' | 'CORE_FS_NOT_A_FILE' | 'CORE_FS_NOT_A_DIRECTORY', path: string): never => {
    const what = code === 'CORE_FS_NOT_FOUND' ? 'no such file or directory' : code === 'CORE_FS_NOT_A_FILE' ? 'is a directory, not a file' : 'not a directory'
    throw new CoreError({ code, message: `${normalizePath(path)}: ${what}`, details: { path: normalizePath(path) } })
  }
  const errno = (err: unknown): string | undefined => (err as NodeJS.ErrnoException).code
  return {
    async readFile(path) {
      try {
        return fs.readFileSync(abs(path))
      } catch (err) {
        if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR') return fail('CORE_FS_NOT_FOUND', path)
        if (errno(err) === 'EISDIR') return fail('CORE_FS_NOT_A_FILE', path)
        throw err
      }
    },
    async readdir(path) {
      try {
        return fs
          .readdirSync(abs(path), { withFileTypes: true })
          .map((e) => ({ name: e.name, type: e.isFile() ? ('file' as const) : e.isDirectory() ? ('directory' as const) : e.isSymbolicLink() ? ('symlink' as const) : ('other' as const) }))
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      } catch (err) {
        if (errno(err) === 'ENOENT') return fail('CORE_FS_NOT_FOUND', path)
        if (errno(err) === 'ENOTDIR') return fail('CORE_FS_NOT_A_DIRECTORY', path)
        throw err
      }
    },
    async stat(path) {
      try {
        const s = fs.statSync(abs(path))
        if (!s.isFile() && !s.isDirectory()) return undefined
        return { type: s.isFile() ? 'file' : 'directory', size: s.isFile() ? s.size : 0, mode: s.mode & 0o777 }
      } catch (err) {
        if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR') return undefined
        throw err
      }
    },
  }
}
