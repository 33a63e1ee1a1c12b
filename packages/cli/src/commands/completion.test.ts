import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { main } from '../main.js'
import type { CliIO } from '../context.js'

async function script(shell: string): Promise<string> {
  let out = ''
  const io: CliIO = { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true }, env: {} }
  expect(await main(['completion', shell], io)).toBe(0)
  return out
}

const has = (tool: string): boolean => spawnSync(tool, ['--version'], { encoding: 'utf8' }).status === 0

/** Runs the bash completion function for the words typed so far; the last one is being completed. */
function complete(source: string, words: readonly string[]): string[] {
  const quoted = words.map((w) => `'${w}'`).join(' ')
  const program = `${source}\nCOMP_WORDS=(gitops ${quoted}); COMP_CWORD=${words.length}; _gitops; printf '%s\\n' "\${COMPREPLY[@]}"`
  const result = spawnSync('bash', ['-c', program], { encoding: 'utf8', cwd: '/' })
  expect(result.stderr).toBe('')
  return result.stdout.split('\n').filter((l) => l !== '')
}

describe('gitops completion', () => {
  it.skipIf(!has('bash'))('completes commands, each command’s flags and -o values in bash', async () => {
    const bash = await script('bash')
    expect(complete(bash, ['bu'])).toEqual(['build'])
    expect(complete(bash, ['com'])).toEqual(['completion'])
    expect(complete(bash, ['con'])).toEqual(['controller'])
    expect(complete(bash, ['fetch', '--o'])).toEqual(['--out', '--output'])
    expect(complete(bash, ['apply', '--dr'])).toEqual(['--dry-run'])
    expect(complete(bash, ['-o', 'json', 'status', '-'])).toEqual(expect.arrayContaining(['--all-namespaces', '-A', '--namespace', '-n', '--inventory']) as unknown)
    expect(complete(bash, ['build', '-o', 'y'])).toEqual(['yaml'])
    expect(complete(bash, ['completion', 'z'])).toEqual(['zsh'])
    expect(complete(bash, ['build', '--log'])).toEqual(['--log-format', '--log-level'])
    expect(complete(bash, ['build', '--log-level', 'd'])).toEqual(['debug'])
    expect(complete(bash, ['--log-format', 'json', 'bu'])).toEqual(['build'])
    expect(complete(bash, ['status', '--log-format', 'j'])).toEqual(['json'])
  })

  it('writes zsh and fish scripts from the same registry', async () => {
    const zsh = await script('zsh')
    expect(zsh).toMatch(/^#compdef gitops\n/)
    expect(zsh).toContain("'--prune[--prune]'")
    expect(zsh).toContain("'-n[--namespace]:value:_files' '--namespace=[--namespace]:value:_files'")
    const fish = await script('fish')
    expect(fish).toContain('complete -c gitops -n "__fish_seen_subcommand_from apply" -l allow-empty\n')
    expect(fish).toContain('complete -c gitops -n "__fish_seen_subcommand_from status" -l all-namespaces -s A\n')
    expect(zsh).toContain("'--log-level=[--log-level]:log-level:(error warn info debug)'")
    expect(fish).toContain("complete -c gitops -n \"__fish_seen_subcommand_from build\" -l log-format -x -a 'text json'\n")
  })

  it.skipIf(!has('zsh'))('writes a zsh script zsh parses', async () => {
    expect(spawnSync('zsh', ['-n'], { input: await script('zsh'), encoding: 'utf8' }).status).toBe(0)
  })

  it.skipIf(!has('fish'))('writes a fish script fish parses', async () => {
    expect(spawnSync('fish', ['--no-execute'], { input: await script('fish'), encoding: 'utf8' }).status).toBe(0)
  })
})
