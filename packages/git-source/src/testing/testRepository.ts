import { mkdir, readdir, readFile, readlink, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { runGit } from './runGit.js'

/**
 * One file of a test commit: its content (mode 644), an object naming content and mode, a symlink
 * with its target, or `null` to delete the path.
 */
export type TestFile =
  | string
  | Uint8Array
  | {
      /** The file content (strings are written as UTF-8). */
      readonly content: string | Uint8Array
      /** The git file mode. @defaultValue 0o644 */
      readonly mode?: 0o644 | 0o755 | undefined
    }
  | {
      /** The symlink's target, as written. */
      readonly symlink: string
    }
  | null

/**
 * How git signs a test commit or tag: with an OpenPGP key of a gpg home (`git commit -S` as gpg
 * users do), or with an SSH private key file (`gpg.format ssh`, as `ssh-keygen -Y sign` does).
 */
export interface TestSigning {
  /** `openpgp` (gpg) or `ssh`. */
  readonly format: 'openpgp' | 'ssh'
  /** A key id or fingerprint in `gnupgHome`, or the path of an SSH private key file. */
  readonly key: string
  /** The gpg home holding the OpenPGP key (passed to gpg as `GNUPGHOME`). */
  readonly gnupgHome?: string | undefined
}

/** Options of {@link TestRepository.commit}. */
export interface TestCommitOptions {
  /** Branch to commit to; created when missing. @defaultValue the repository's default branch */
  readonly branch?: string | undefined
  /** Commit message. @defaultValue `'commit N'` */
  readonly message?: string | undefined
  /** Author and committer date. @defaultValue 2024-01-01T00:00:00Z plus one minute per commit made so far */
  readonly date?: Date | undefined
  /** Start from an empty tree instead of the branch's current one. @defaultValue false */
  readonly replace?: boolean | undefined
  /** Sign the commit through git (`commit-tree -S`). @defaultValue unsigned */
  readonly sign?: TestSigning | undefined
}

/** Options of {@link TestRepository.tag}. */
export interface TestTagOptions {
  /** What the tag points at: a commit id or a ref. @defaultValue the default branch */
  readonly target?: string | undefined
  /** Create an annotated tag object instead of a lightweight tag. @defaultValue false */
  readonly annotated?: boolean | undefined
  /** Message of an annotated tag. @defaultValue the tag name */
  readonly message?: string | undefined
  /** Sign the tag through git (`git tag -s`); makes it annotated. @defaultValue unsigned */
  readonly sign?: TestSigning | undefined
}

/** A bare repository under a test server's root, built with the git CLI at fixed dates. */
export interface TestRepository {
  /** Name under the server root, also the last part of its URL (`fleet.git`). */
  readonly name: string
  /** Absolute path of the bare repository. */
  readonly path: string
  /** The branch `HEAD` points at when the repository was created. */
  readonly defaultBranch: string
  /** Commits `files` (path → content, `null` deletes) on top of the branch; resolves to the new commit id. */
  commit(files: Readonly<Record<string, TestFile>>, options?: TestCommitOptions): Promise<string>
  /** Creates or moves a tag; resolves to the id the tag ref holds (the tag object when annotated). */
  tag(name: string, options?: TestTagOptions): Promise<string>
  /** Deletes a tag. */
  deleteTag(name: string): Promise<void>
  /** Points a branch at a commit, creating it or moving it anywhere (a force-push). */
  setBranch(name: string, commit: string): Promise<void>
  /** Deletes a branch. */
  deleteBranch(name: string): Promise<void>
  /** Makes `HEAD` point at another branch (the remote's default branch). */
  setDefaultBranch(name: string): Promise<void>
  /** Resolves a revision (`main`, `v1.0.0^{commit}`, an id) to a full object id. */
  revParse(revision: string): Promise<string>
  /** Runs any git command inside the repository and resolves to its standard output. */
  git(args: readonly string[], input?: string | Uint8Array): Promise<string>
}

/** Options of {@link createRepository}. */
export interface CreateRepositoryOptions {
  /** Directory name under `root`, e.g. `fleet.git`. */
  readonly name: string
  /** Branch `HEAD` points at. @defaultValue `'main'` */
  readonly defaultBranch?: string | undefined
}

const epoch = Date.UTC(2024, 0, 1) / 1000
const identity = 'Test Author <author@example.com>'

/**
 * Creates an empty bare repository `root/name` with the git CLI, ready to be served by
 * {@link startGitServer}, and returns helpers to commit, tag and move branches at fixed dates, so
 * that commit ids are the same on every run.
 *
 * @example
 * ```ts
 * const repo = await createRepository(root, { name: 'fleet.git' })
 * const commit = await repo.commit({ 'apps/web.yaml': 'kind: ConfigMap\n' }, { message: 'add web' })
 * await repo.tag('v1.0.0', { annotated: true })
 * ```
 */
export async function createRepository(root: string, options: CreateRepositoryOptions): Promise<TestRepository> {
  const defaultBranch = options.defaultBranch ?? 'main'
  const path = join(root, options.name)
  await mkdir(path, { recursive: true })
  await runGit(['init', '--quiet', '--bare', `--initial-branch=${defaultBranch}`], { cwd: path })
  let commits = 0
  const git = (args: readonly string[], input?: string | Uint8Array): Promise<string> => runGit(args, { cwd: path, input })
  const resolve = async (revision: string): Promise<string | undefined> => {
    try {
      return (await git(['rev-parse', '--verify', '--quiet', revision])).trim()
    } catch {
      return undefined
    }
  }
  const dateEnv = (date: Date): Record<string, string> => {
    const stamp = `${Math.floor(date.getTime() / 1000)} +0000`
    return { GIT_COMMITTER_DATE: stamp, GIT_AUTHOR_DATE: stamp }
  }
  return {
    name: options.name,
    path,
    defaultBranch,
    async commit(files, commitOptions = {}) {
      const branch = commitOptions.branch ?? defaultBranch
      const date = commitOptions.date ?? new Date((epoch + commits * 60) * 1000)
      commits += 1
      const parent = await resolve(`refs/heads/${branch}^{commit}`)
      const stamp = `${Math.floor(date.getTime() / 1000)} +0000`
      const chunks: (string | Uint8Array)[] = []
      const message = Buffer.from(commitOptions.message ?? `commit ${commits}`)
      chunks.push(`commit refs/heads/${branch}\nauthor ${identity} ${stamp}\ncommitter ${identity} ${stamp}\n`)
      chunks.push(`data ${message.byteLength}\n`, message, '\n')
      if (parent !== undefined) chunks.push(`from ${parent}\n`)
      if (commitOptions.replace === true) chunks.push('deleteall\n')
      for (const [file, value] of Object.entries(files)) {
        chunks.push(...fileCommand(file, value))
      }
      chunks.push('done\n')
      await runGit(['fast-import', '--quiet', '--done', '--force'], { cwd: path, input: concat(chunks) })
      const id = await resolve(`refs/heads/${branch}`)
      if (id === undefined) throw new Error(`${options.name}: fast-import left no refs/heads/${branch}`)
      if (commitOptions.sign === undefined) return id
      // fast-import cannot sign: the same tree, parent, message and dates again through commit-tree -S.
      const tree = (await git(['rev-parse', `${id}^{tree}`])).trim()
      const parents = parent === undefined ? [] : ['-p', parent]
      const signed = (
        await runGit([...signingConfig(commitOptions.sign), 'commit-tree', `-S${commitOptions.sign.key}`, ...parents, '-F', '-', tree], {
          cwd: path,
          input: message,
          env: { ...dateEnv(date), ...signingEnv(commitOptions.sign) },
        })
      ).trim()
      await git(['update-ref', `refs/heads/${branch}`, signed])
      return signed
    },
    async tag(name, tagOptions = {}) {
      const target = tagOptions.target ?? `refs/heads/${defaultBranch}`
      if (tagOptions.sign !== undefined) {
        const date = new Date((epoch + commits * 60) * 1000)
        await runGit([...signingConfig(tagOptions.sign), 'tag', '--force', `--local-user=${tagOptions.sign.key}`, '--message', tagOptions.message ?? name, name, target], {
          cwd: path,
          env: { ...dateEnv(date), ...signingEnv(tagOptions.sign) },
        })
      } else if (tagOptions.annotated === true) {
        const date = new Date((epoch + commits * 60) * 1000)
        await runGit(['tag', '--force', '--annotate', '--message', tagOptions.message ?? name, name, target], {
          cwd: path,
          env: dateEnv(date),
        })
      } else {
        await git(['update-ref', `refs/tags/${name}`, target])
      }
      const id = await resolve(`refs/tags/${name}`)
      if (id === undefined) throw new Error(`${options.name}: cannot tag ${target}`)
      return id
    },
    async deleteTag(name) {
      await git(['update-ref', '-d', `refs/tags/${name}`])
    },
    async setBranch(name, commit) {
      await git(['update-ref', `refs/heads/${name}`, commit])
    },
    async deleteBranch(name) {
      await git(['update-ref', '-d', `refs/heads/${name}`])
    },
    async setDefaultBranch(name) {
      await git(['symbolic-ref', 'HEAD', `refs/heads/${name}`])
    },
    async revParse(revision) {
      const id = await resolve(revision)
      if (id === undefined) throw new Error(`${options.name}: unknown revision ${revision}`)
      return id
    },
    git,
  }
}

function signingConfig(sign: TestSigning): string[] {
  return ['-c', `gpg.format=${sign.format}`, '-c', `user.signingkey=${sign.key}`]
}

function signingEnv(sign: TestSigning): Record<string, string> {
  return sign.gnupgHome === undefined ? {} : { GNUPGHOME: sign.gnupgHome }
}

function fileCommand(path: string, value: TestFile): (string | Uint8Array)[] {
  const quoted = quotePath(path)
  if (value === null) return [`D ${quoted}\n`]
  let mode = '100644'
  let content: string | Uint8Array
  if (typeof value === 'string' || value instanceof Uint8Array) content = value
  else if ('symlink' in value) {
    mode = '120000'
    content = value.symlink
  } else {
    content = value.content
    if (value.mode === 0o755) mode = '100755'
  }
  const bytes = typeof content === 'string' ? Buffer.from(content) : content
  return [`M ${mode} inline ${quoted}\ndata ${bytes.byteLength}\n`, bytes, '\n']
}

// fast-import reads a path up to the end of the line; one that starts with a quote or holds a
// newline or backslash must be C-quoted.
function quotePath(path: string): string {
  if (!/^"|[\n\\"]/.test(path)) return path
  return `"${path.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`
}

function concat(chunks: readonly (string | Uint8Array)[]): Buffer {
  return Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)))
}

/**
 * Reads every file under `dir` into the map {@link TestRepository.commit} takes (symlinks stay
 * symlinks, executables keep mode 755), to commit an example tree such as `examples/fleet`.
 *
 * @example
 * ```ts
 * await repo.commit(await filesFromDirectory('examples/fleet'), { message: 'import the fleet' })
 * ```
 */
export async function filesFromDirectory(dir: string): Promise<Record<string, TestFile>> {
  const files: Record<string, TestFile> = {}
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(join(dir, rel), { withFileTypes: true })
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`
      if (entry.isDirectory()) {
        if (entry.name !== '.git') await walk(path)
      } else if (entry.isSymbolicLink()) {
        files[path] = { symlink: await readlink(join(dir, path)) }
      } else if (entry.isFile()) {
        const executable = ((await stat(join(dir, path))).mode & 0o111) !== 0
        files[path] = { content: await readFile(join(dir, path)), mode: executable ? 0o755 : 0o644 }
      }
    }
  }
  await walk('')
  return files
}
