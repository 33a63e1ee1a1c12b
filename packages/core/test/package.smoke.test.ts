import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { describePackageSmoke } from '../../../testing/packageSmoke.js'
import * as errors from '../src/errors.js'
import * as go from '../src/go.js'
import * as index from '../src/index.js'
import * as light from '../src/light.js'
import * as logger from '../src/logger.js'
import * as yaml from '../src/yaml.js'

const dir = new URL('..', import.meta.url).pathname

describePackageSmoke(dir, { index, go, yaml, errors, logger, light })

const built = existsSync(join(dir, 'dist', 'index.js')) && existsSync(join(dir, 'dist', 'light.cjs'))

describe.skipIf(!built)('the entries as built', () => {

  // The errors entry exists so that a fast command need not load the main one; an error thrown by a
  // package that imports the main entry must still be `instanceof` the class a user took from either.
  it('gives the same error classes through the main and the errors entry, under require and import', async () => {
    const script = `
      const main = require(${JSON.stringify(join(dir, 'dist', 'index.cjs'))})
      const errs = require(${JSON.stringify(join(dir, 'dist', 'errors.cjs'))})
      process.stdout.write(String(main.GitOpsError === errs.GitOpsError && main.CoreError === errs.CoreError && typeof main.CoreError === "function"))`
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' })
    expect(result.stderr).toBe('')
    expect(result.stdout).toBe('true')
    const main = (await import(join(dir, 'dist', 'index.js'))) as typeof index
    const errs = (await import(join(dir, 'dist', 'errors.js'))) as typeof errors
    expect(main.GitOpsError).toBe(errs.GitOpsError)
  })

  // The light entry is what git-source loads: an error a fetch throws (a CoreError of its file system
  // included) must be `instanceof` the classes of the main entry, and its functions the main entry's.
  it('gives the same classes and functions through the main and the light entry, under require and import', async () => {
    const script = `
      const main = require(${JSON.stringify(join(dir, 'dist', 'index.cjs'))})
      const light = require(${JSON.stringify(join(dir, 'dist', 'light.cjs'))})
      const names = Object.keys(light)
      process.stdout.write(String(names.length > 10 && names.every((n) => light[n] === main[n])))`
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' })
    expect(result.stderr).toBe('')
    expect(result.stdout).toBe('true')
    const main = (await import(join(dir, 'dist', 'index.js'))) as Record<string, unknown>
    const lightEntry = (await import(join(dir, 'dist', 'light.js'))) as Record<string, unknown>
    for (const name of Object.keys(lightEntry)) expect(lightEntry[name], name).toBe(main[name])
  })
})
