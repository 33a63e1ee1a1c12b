import { parseArgs } from 'node:util'
import { describe, expect, it } from 'vitest'
import { commands } from './commands/registry.js'
import { commonOptions, parseCommandArgs } from './flags.js'
import type { FlagSpec } from './flags.js'

// parseCommandArgs answers arguments without a flag itself (no parseArgs call: start-up); what it
// returns must be what parseArgs returns for them, for every command's flag table.
describe('parseCommandArgs without flags', () => {
  const tables: Array<[string, FlagSpec]> = [
    ...commands.filter((c) => c.flags !== undefined).map((c): [string, FlagSpec] => [c.name, c.flags as FlagSpec]),
    ['repeatable with a default', { list: { type: 'string', multiple: true, default: ['a', 'b'] }, on: { type: 'boolean', default: true } }],
  ]
  const argvs: string[][] = [[], ['dir'], ['a', 'b', 'c'], [''], ['dir', '-'], ['sub', 'dir/with-dash', 'x=-1']]

  for (const [name, flags] of tables) {
    it(`gives parseArgs's values and positionals for ${name}`, () => {
      const all = { ...commonOptions, ...flags }
      for (const argv of argvs) {
        const ours = parseCommandArgs(argv, flags)
        const theirs = parseArgs({ args: [...argv], options: all, allowPositionals: true, strict: true })
        expect(ours.positionals).toEqual(theirs.positionals)
        expect(Object.entries(ours.values)).toEqual(Object.entries(theirs.values))
        expect(Object.getPrototypeOf(ours.values)).toBe(Object.getPrototypeOf(theirs.values))
        expect(ours.dryRun).toBeUndefined()
      }
    })
  }

  it('still goes to parseArgs (and its errors) once any argument is a flag', () => {
    expect(parseCommandArgs(['dir', '-o', 'json'], {}).values.output).toBe('json')
    expect(parseCommandArgs(['--', '-x'], {}).positionals).toEqual(['-x'])
    expect(() => parseCommandArgs(['dir', '--nope'], {})).toThrow(/unknown flag --nope/)
  })
})
