// Bad input to the gitops command: each case ends in a typed error (exit 2) whose message names
// its subject (the flag, file, directory or URL without credentials), and damages nothing.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assertNoPollution } from '../../../../testing/pollution.js'
import { run } from '../helpers/run.js'

let cwd: string
let home: string
const env = (): Record<string, string> => ({ HOME: home, KUBECONFIG: join(cwd, 'no-such-kubeconfig') })

/** Every file under `dir` with its content, to show nothing changed. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (d: string, prefix: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`)
      else if (e.isFile()) out[`${prefix}${e.name}`] = readFileSync(join(d, e.name), 'utf8')
      else out[`${prefix}${e.name}`] = '(special)'
    }
  }
  walk(dir, '')
  return out
}

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'gitops-cli-faults-'))
  home = join(cwd, 'home')
  mkdirSync(join(cwd, 'home', 'work'), { recursive: true })
  mkdirSync(join(cwd, 'app'))
  writeFileSync(join(cwd, 'app', 'kustomization.yaml'), 'resources: [cm.yaml]\n')
  writeFileSync(join(cwd, 'app', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n')
  mkdirSync(join(cwd, 'precious'))
  writeFileSync(join(cwd, 'precious', 'notes.txt'), 'keep me\n')
  writeFileSync(join(cwd, 'plain.txt'), 'a file\n')
  mkdirSync(join(cwd, 'fifo-app'))
  writeFileSync(join(cwd, 'fifo-app', 'kustomization.yaml'), 'resources: [pipe.yaml]\n')
  execFileSync('mkfifo', [join(cwd, 'fifo-app', 'pipe.yaml')])
})

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true })
})

interface Case {
  readonly name: string
  readonly argv: readonly string[]
  readonly code: string
  /** What the message must name. */
  readonly subject: string
  readonly env?: Record<string, string>
  readonly from?: string
}

const cases: readonly Case[] = [
  { name: 'an unknown long flag', argv: ['build', 'app', '--substitue', 'a=b'], code: 'CLI_UNKNOWN_FLAG', subject: '--substitue; did you mean --substitute?' },
  { name: 'an unknown short flag', argv: ['status', '-x'], code: 'CLI_UNKNOWN_FLAG', subject: '-x' },
  { name: 'controller: --concurrent 0', argv: ['controller', '--concurrent', '0'], code: 'CLI_FLAG_INVALID', subject: '--concurrent' },
  { name: 'controller: a probe address without a port', argv: ['controller', '--health-addr', 'localhost'], code: 'CLI_FLAG_INVALID', subject: '--health-addr' },
  { name: 'controller: --hash-shard with --leader-elect', argv: ['controller', '--hash-shard', 'gitops', '--leader-elect'], code: 'CLI_FLAG_INVALID', subject: '--hash-shard' },
  { name: 'controller: a hash shard group that is no DNS label', argv: ['controller', '--hash-shard', '__proto__'], code: 'CLI_FLAG_INVALID', subject: '--hash-shard' },
  { name: 'controller: a lease duration that is not one', argv: ['controller', '--leader-election-lease-duration', 'soon'], code: 'CLI_FLAG_INVALID', subject: '--leader-election-lease-duration' },
  { name: 'controller: no kubeconfig and not in a pod', argv: ['controller'], code: 'CLI_FILE_NOT_FOUND', subject: 'no-such-kubeconfig' },
  { name: 'install without --export', argv: ['install'], code: 'CLI_ARGUMENT_MISSING', subject: '--export' },
  { name: 'install --replicas 0', argv: ['install', '--export', '--replicas', '0'], code: 'CLI_FLAG_INVALID', subject: '--replicas' },
  { name: 'a long flag written with one dash', argv: ['status', '-inventory', 'a/b'], code: 'CLI_UNKNOWN_FLAG', subject: '-inventory; did you mean --inventory?' },
  { name: 'a flag of another command', argv: ['build', 'app', '--inventory', 'a/b'], code: 'CLI_UNKNOWN_FLAG', subject: '--inventory' },
  { name: 'a value given to a boolean flag', argv: ['apply', 'app', '--inventory', 'a/b', '--prune=yes'], code: 'CLI_FLAG_INVALID', subject: '--prune takes no value' },
  { name: 'a flag missing its value', argv: ['fetch', 'http://127.0.0.1:1/x.git', '--out'], code: 'CLI_FLAG_INVALID', subject: '--out needs a value' },
  { name: 'a short flag missing its value', argv: ['build', 'app', '-o'], code: 'CLI_FLAG_INVALID', subject: '-o (--output) needs a value' },
  { name: 'an unknown --output', argv: ['build', 'app', '-o', 'xml'], code: 'CLI_FLAG_INVALID', subject: '--output must be text, json or yaml, not xml' },
  { name: 'an unknown --dry-run mode', argv: ['apply', 'app', '--inventory', 'a/b', '--dry-run=maybe'], code: 'CLI_FLAG_INVALID', subject: '--dry-run must be server, client or none, not maybe' },
  { name: 'an --inventory that is no NS/NAME', argv: ['apply', 'app', '--inventory', 'Bad/Name'], code: 'CLI_FLAG_INVALID', subject: '--inventory must be NAMESPACE/NAME, not Bad/Name' },
  { name: 'an --inventory NAME without -n', argv: ['apply', 'app', '--inventory', 'web'], code: 'CLI_FLAG_INVALID', subject: 'not web' },
  { name: 'an --inventory in another namespace than -n', argv: ['apply', 'app', '--inventory', 'a/web', '-n', 'b'], code: 'CLI_FLAG_INVALID', subject: '--inventory a/web is in namespace a, but -n says b' },
  { name: 'a -n that is no namespace name', argv: ['status', '-n', 'Not_A_Namespace'], code: 'CLI_FLAG_INVALID', subject: '--namespace must be a namespace name (a DNS label), not Not_A_Namespace' },
  { name: '-n together with -A', argv: ['status', '-n', 'apps', '-A'], code: 'CLI_FLAG_INVALID', subject: '-n/--namespace and -A/--all-namespaces' },
  { name: 'a duration without a unit', argv: ['apply', 'app', '--inventory', 'a/b', '--timeout', '5'], code: 'CLI_FLAG_INVALID', subject: '--timeout must be a duration such as 90s, 5m or 1h30m, not 5' },
  { name: 'a zero --interval', argv: ['reconcile', '--url', 'http://127.0.0.1:1/x.git', '--inventory', 'a/b', '--interval', '0s'], code: 'CLI_FLAG_INVALID', subject: '--interval must be a positive duration, not 0s' },
  { name: 'an unknown --decryption-integrity', argv: ['reconcile', '--url', 'http://127.0.0.1:1/x.git', '--inventory', 'a/b', '--decryption-integrity', 'loose'], code: 'CLI_FLAG_INVALID', subject: '--decryption-integrity loose: expected lenient or strict' },
  { name: 'an unknown --load-restrictor', argv: ['build', 'app', '--load-restrictor', 'none'], code: 'CLI_FLAG_INVALID', subject: '--load-restrictor none: expected LoadRestrictionsRootOnly or LoadRestrictionsNone' },
  { name: 'a --ref of no known kind', argv: ['fetch', 'http://127.0.0.1:1/x.git', '--ref', 'trunk', '--out', 'o'], code: 'CLI_FLAG_INVALID', subject: 'not trunk' },
  { name: 'a --substitute without =', argv: ['build', 'app', '--substitute', 'cluster'], code: 'CLI_FLAG_INVALID', subject: '--substitute cluster: expected NAME=value' },
  { name: 'a --password-env naming an unset variable', argv: ['fetch', 'http://127.0.0.1:1/x.git', '--out', 'o', '--password-env', 'NOT_SET_ANYWHERE'], code: 'CLI_FLAG_INVALID', subject: '--password-env names NOT_SET_ANYWHERE, which is not set' },
  { name: 'an unknown command', argv: ['bulid', 'app'], code: 'CLI_UNKNOWN_COMMAND', subject: '"bulid"; did you mean build?' },
  { name: 'a missing positional', argv: ['apply', '--inventory', 'a/b'], code: 'CLI_ARGUMENT_MISSING', subject: 'gitops apply needs DIR, FILE or -' },
  { name: 'apply without --inventory', argv: ['apply', 'app'], code: 'CLI_ARGUMENT_MISSING', subject: '--inventory NS/NAME' },
  { name: 'a missing directory among several to build', argv: ['build', 'nope', 'nope-too'], code: 'RENDER', subject: 'nope-too' },
  { name: 'a completion for an unknown shell', argv: ['completion', 'tcsh'], code: 'CLI_ARGUMENT_UNEXPECTED', subject: 'tcsh: no completion for this shell' },
  { name: 'a missing file to apply', argv: ['apply', 'nope.yaml', '--inventory', 'a/b'], code: 'CLI_FILE_NOT_FOUND', subject: 'nope.yaml: no such file or directory' },
  { name: 'a missing file to diff', argv: ['diff', 'nope/'], code: 'CLI_FILE_NOT_FOUND', subject: 'nope/: no such file or directory' },
  { name: 'a missing file to decrypt', argv: ['decrypt', 'nope.enc.yaml'], code: 'CLI_FILE_NOT_FOUND', subject: 'nope.enc.yaml: no such file' },
  { name: 'a directory to encrypt', argv: ['encrypt', 'app', '--age', 'age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw'], code: 'CLI_FILE_NOT_FOUND', subject: 'app: is a directory' },
  { name: 'a missing --age-key-file', argv: ['decrypt', 'plain.txt', '--age-key-file', 'nope.agekey'], code: 'CLI_FILE_NOT_FOUND', subject: 'nope.agekey: no such file' },
  { name: 'a missing --substitute-from', argv: ['build', 'app', '--substitute-from', 'nope.env'], code: 'CLI_FILE_NOT_FOUND', subject: '--substitute-from nope.env: no such file' },
  { name: 'a missing directory to build', argv: ['build', 'nope'], code: 'RENDER', subject: 'nope' },
  { name: 'a missing chart to template', argv: ['template', 'nope'], code: 'HELM_CHART_INVALID', subject: 'nope/Chart.yaml' },
  { name: 'a missing --values file', argv: ['template', 'app', '--values', 'nope.yaml'], code: 'CLI_FILE_NOT_FOUND', subject: '--values nope.yaml: no such file' },
  { name: 'a bad --set expression', argv: ['template', 'app', '--set', 'a.b'], code: 'HELM_VALUES_INVALID', subject: 'failed parsing --set data' },
  { name: 'a FIFO named as a resource', argv: ['build', 'fifo-app'], code: '(CORE_FS_NOT_A_FILE|RENDER_)', subject: 'pipe.yaml' },
  { name: 'fetch --out .', argv: ['fetch', 'http://127.0.0.1:1/x.git', '--out', '.'], code: 'CLI_OUT_UNSAFE', subject: '--out .: is the working directory' },
  { name: 'fetch --out ..', argv: ['fetch', 'http://127.0.0.1:1/x.git', '--out', '..'], code: 'CLI_OUT_UNSAFE', subject: '--out ..: contains the working directory' },
  { name: 'fetch --out . --force', argv: ['fetch', 'http://127.0.0.1:1/x.git', '--out', '.', '--force'], code: 'CLI_OUT_UNSAFE', subject: '--out .: is the working directory' },
  { name: 'fetch --out / --force', argv: ['fetch', 'http://127.0.0.1:1/x.git', '--out', '/', '--force'], code: 'CLI_OUT_UNSAFE', subject: '--out /: contains the working directory' },
  { name: 'fetch --out $HOME', argv: ['fetch', 'http://127.0.0.1:1/x.git', '--out', 'home', '--force'], code: 'CLI_OUT_UNSAFE', subject: '--out home: is the home directory' },
  { name: 'fetch --out a parent of $HOME from inside it', argv: ['fetch', 'http://127.0.0.1:1/x.git', '--out', '..', '--force'], code: 'CLI_OUT_UNSAFE', subject: '--out ..: contains the working directory', from: 'home/work' },
  { name: 'fetch --out a directory of the user', argv: ['fetch', 'http://127.0.0.1:1/x.git', '--out', 'precious'], code: 'CLI_OUT_NOT_EMPTY', subject: '--out precious: not empty and not written by gitops fetch' },
  { name: 'fetch --out a file', argv: ['fetch', 'http://127.0.0.1:1/x.git', '--out', 'plain.txt', '--force'], code: 'CLI_OUT_NOT_EMPTY', subject: '--out plain.txt: exists and is not a directory' },
  { name: 'fetch of a URL that is none', argv: ['fetch', 'http://exa mple/x.git', '--out', 'o'], code: 'GIT_INVALID_OPTION', subject: 'not a valid repository URL' },
  { name: 'fetch over a transport there is none of', argv: ['fetch', 'ftp://bot:ftp-PASSWORD-1@127.0.0.1/x.git', '--out', 'o'], code: 'GIT_', subject: 'ftp://bot' },
]

describe('gitops refuses bad input', () => {
  it.for(cases)('$name', async (c) => {
    const before = tree(cwd)
    const result = await run(c.argv, { cwd: join(cwd, c.from ?? ''), env: { ...env(), ...c.env } })
    expect(result.code).toBe(2)
    expect((result.error as { code?: string } | undefined)?.code).toMatch(new RegExp(`^${c.code}`))
    expect(result.err).toContain(c.subject)
    // The error is the last line (fetch may have said what it fetches before).
    expect(result.err.split('\n').filter((l) => l.startsWith('gitops')).at(-1)).toMatch(new RegExp(`^gitops${c.argv[0] === 'bulid' ? '' : ` ${c.argv[0] ?? ''}`}: `))
    expect(result.out).toBe('')
    expect(result.err).not.toContain('PASSWORD')
    expect(tree(cwd)).toEqual(before)
  })

  it('never lets --substitute or -n reach a prototype', async () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const result = await run(['build', 'app', '--substitute', `${key}=polluted`], { cwd, env: env() })
      expect(result.code).toBe(0)
      expect(result.out).toContain('name: web')
    }
    assertNoPollution()
  })
})
