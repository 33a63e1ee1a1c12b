// Bad input to the flags and commands of issue 17's CLI gaps (fetch --ca/--cache-dir/--ignore and the
// OCI selectors, --as/--as-group, --applyset, the PGP key flags, encrypt's .sops.yaml, rotate and
// updatekeys): each case is a typed error (exit 2) whose message names its subject, nothing is
// contacted or written, the working tree is as it was, and no secret reaches the output.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { encrypt, generateIdentity } from '@gitops-sdk/secrets'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assertNoPollution } from '../../../../testing/pollution.js'
import { run } from '../helpers/run.js'

let cwd: string
let recipient: string
let otherKey: string
const env = (): Record<string, string> => ({ HOME: join(cwd, 'home'), KUBECONFIG: join(cwd, 'no-such-kubeconfig') })

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (d: string, prefix: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`)
      else out[`${prefix}${e.name}`] = readFileSync(join(d, e.name), 'utf8')
    }
  }
  walk(dir, '')
  return out
}

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'gitops-cli-sources-faults-'))
  mkdirSync(join(cwd, 'home'))
  const owner = await generateIdentity()
  recipient = owner.recipient
  otherKey = (await generateIdentity()).secretKey
  writeFileSync(join(cwd, 'other.agekey'), otherKey)
  writeFileSync(join(cwd, 'not-a-cert.pem'), 'hello\n')
  writeFileSync(join(cwd, 'not-a-key.asc'), 'hello\n')
  writeFileSync(join(cwd, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: default}\n')
  writeFileSync(join(cwd, 'secret.yaml'), 'password: test-only-hunter2\n')
  writeFileSync(join(cwd, 'secret.enc.yaml'), await encrypt('password: test-only-hunter2\n', { format: 'yaml', recipients: [recipient] }))
  mkdirSync(join(cwd, 'badconfig'))
  writeFileSync(join(cwd, 'badconfig', '.sops.yaml'), 'creation_rules: [{path_regex: "(", age: x}]\n')
  writeFileSync(join(cwd, 'badconfig', 'secret.yaml'), 'password: test-only-hunter2\n')
})
afterAll(() => rmSync(cwd, { recursive: true, force: true }))

const git = 'http://127.0.0.1:9/fleet.git'
const oci = 'oci://127.0.0.1:9/acme/fleet'

const cases: readonly (readonly [string, readonly string[], string, string | RegExp])[] = [
  ['fetch --ca of a missing file', ['fetch', git, '--out', 'o', '--ca', 'nope.pem'], 'CLI_FILE_NOT_FOUND', 'nope.pem: no such file (--ca)'],
  ['fetch --ca without a certificate', ['fetch', git, '--out', 'o', '--ca', 'not-a-cert.pem'], 'CLI_FLAG_INVALID', /^not-a-cert\.pem: holds no PEM certificate/],
  ['fetch --ignore with a newline', ['fetch', git, '--out', 'o', '--ignore', 'a\nb'], 'CLI_FLAG_INVALID', /^--ignore takes one pattern per flag/],
  ['fetch --cache-dir empty', ['fetch', git, '--out', 'o', '--cache-dir', ''], 'CLI_FLAG_INVALID', '--cache-dir must name a directory'],
  ['fetch git with --semver-filter', ['fetch', git, '--out', 'o', '--semver-filter', 'rc'], 'CLI_FLAG_INVALID', '--semver-filter is for oci:// artifacts, not git repositories'],
  ['fetch git with --layer-media-type', ['fetch', git, '--out', 'o', '--layer-media-type', 'a/b'], 'CLI_FLAG_INVALID', '--layer-media-type is for oci:// artifacts, not git repositories'],
  ['fetch oci:// with --ca', ['fetch', oci, '--out', 'o', '--ca', 'not-a-cert.pem'], 'CLI_FLAG_INVALID', '--ca is for git repositories, not oci:// artifacts'],
  ['fetch oci:// with --cache-dir', ['fetch', oci, '--out', 'o', '--cache-dir', 'c'], 'CLI_FLAG_INVALID', '--cache-dir is for git repositories, not oci:// artifacts'],
  ['fetch oci:// with --ignore', ['fetch', oci, '--out', 'o', '--ignore', '*.md'], 'CLI_FLAG_INVALID', '--ignore is for git repositories, not oci:// artifacts'],
  ['fetch oci:// --semver-filter without semver', ['fetch', oci, '--out', 'o', '--ref', 'tag:v1', '--semver-filter', 'rc'], 'CLI_FLAG_INVALID', '--semver-filter needs --ref semver:RANGE'],
  ['fetch oci:// --layer-operation alone', ['fetch', oci, '--out', 'o', '--layer-operation', 'copy'], 'CLI_FLAG_INVALID', '--layer-operation needs --layer-media-type'],
  ['fetch oci:// --layer-operation unknown', ['fetch', oci, '--out', 'o', '--layer-media-type', 'a/b', '--layer-operation', 'move'], 'CLI_FLAG_INVALID', '--layer-operation must be extract or copy, not "move"'],
  ['fetch oci:// a bad --semver-filter', ['fetch', oci, '--out', 'o', '--ref', 'semver:>=1.0.0', '--semver-filter', '('], 'OCI_INVALID_OPTION', /ref\.semverFilter "\(" is not a valid regular expression$/],
  ['apply --as-group without --as', ['apply', 'cm.yaml', '--inventory', 'default/x', '--as-group', 'devs'], 'CLI_FLAG_INVALID', /^--as-group needs --as USER/],
  ['apply --as-group empty', ['apply', 'cm.yaml', '--inventory', 'default/x', '--as', 'jane', '--as-group', ''], 'CLI_FLAG_INVALID', '--as-group must name a group, not an empty string'],
  ['status --as-group without --as', ['status', '--inventory', 'default/x', '--as-group', 'devs'], 'CLI_FLAG_INVALID', /^--as-group needs --as USER/],
  ['apply --applyset-tooling without --applyset', ['apply', 'cm.yaml', '--inventory', 'default/x', '--applyset-tooling', 'kubectl/v1'], 'CLI_FLAG_INVALID', '--applyset-tooling needs --applyset'],
  ['apply --applyset-tooling without a version', ['apply', 'cm.yaml', '--inventory', 'default/x', '--applyset', '--applyset-tooling', 'kubectl'], 'CLI_FLAG_INVALID', /^--applyset-tooling must be NAME\/VERSION/],
  ['decrypt --pgp-key-file missing', ['decrypt', 'secret.enc.yaml', '--pgp-key-file', 'nope.asc'], 'CLI_FILE_NOT_FOUND', 'nope.asc: no such file (--pgp-key-file)'],
  ['decrypt --pgp-key-file not a key', ['decrypt', 'secret.enc.yaml', '--pgp-key-file', 'not-a-key.asc'], 'CLI_FLAG_INVALID', /^not-a-key\.asc: holds no armored OpenPGP key block/],
  ['decrypt --pgp-passphrase-env alone', ['decrypt', 'secret.enc.yaml', '--pgp-passphrase-env', 'P'], 'CLI_ARGUMENT_MISSING', '--pgp-passphrase-env needs --pgp-key-file'],
  ['rotate -i with a key that does not open the file', ['rotate', '-i', 'secret.enc.yaml', '--age-key-file', 'other.agekey'], 'SOPS_NO_MATCHING_KEY', /^secret\.enc\.yaml: /],
  ['rotate --rm-age of the only recipient', ['rotate', '-i', 'secret.enc.yaml', '--rm-age', 'age1x'], 'SOPS_NO_MATCHING_KEY', /^secret\.enc\.yaml: /],
  ['updatekeys without a .sops.yaml', ['updatekeys', '-y', 'secret.enc.yaml'], 'CLI_FILE_NOT_FOUND', /^secret\.enc\.yaml: no \.sops\.yaml with creation_rules/],
]

describe('bad input to the issue-17 flags and commands', () => {
  it.each(cases)('%s', async (_name, argv, code, message) => {
    const before = tree(cwd)
    const result = await run(argv, { cwd, env: env() })
    expect(result.code).toBe(2)
    expect(result.error).toMatchObject({ code })
    const text = (result.error as Error).message
    if (typeof message === 'string') expect(text).toBe(message)
    else expect(text).toMatch(message)
    expect(result.err).toContain(text)
    expect(result.out).toBe('')
    expect(`${result.out}${result.err}`).not.toContain('test-only-hunter2')
    expect(tree(cwd)).toEqual(before)
    assertNoPollution()
  })

  it('encrypt under a bad .sops.yaml (found from the working directory, as sops) names it and prints nothing', async () => {
    const before = tree(cwd)
    const result = await run(['encrypt', 'secret.yaml'], { cwd: join(cwd, 'badconfig'), env: env() })
    expect(result.code).toBe(2)
    expect(result.error).toMatchObject({ code: 'SOPS_CONFIG_INVALID', message: `${join(cwd, 'badconfig', '.sops.yaml')}: creation_rules[0].path_regex: invalid regular expression "("` })
    expect(result.out).toBe('')
    expect(tree(cwd)).toEqual(before)
  })

  it('updatekeys -y with no key that opens the file leaves it as it was', async () => {
    const dir = join(cwd, 'update')
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, '.sops.yaml'), `creation_rules: [{age: ${recipient}}]\n`)
    writeFileSync(join(dir, 'secret.enc.yaml'), await encrypt('password: test-only-hunter2\n', { format: 'yaml', recipients: [(await generateIdentity()).recipient] }))
    const before = tree(cwd)
    const result = await run(['updatekeys', '-y', 'secret.enc.yaml', '--age-key-file', '../other.agekey'], { cwd: dir, env: env() })
    expect(result.error).toMatchObject({ code: 'SOPS_NO_MATCHING_KEY' })
    expect(result.code).toBe(2)
    expect(tree(cwd)).toEqual(before)
    expect(`${result.out}${result.err}`).not.toContain('test-only-hunter2')
  })
})
