// Checks the in-repo fixtures against the installed kubectl: each expected.yaml must still be what
// `kubectl kustomize` prints for its input (and error cases must still be refused), so a fixture
// edited by hand, or a kubectl whose kustomize differs, is noticed. Skips without kubectl.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { hasKubectl } from '../../../../testing/kubectl.js'
import { fixtureCases } from '../helpers/fixtures.js'
import { type KustomizeResult, kustomizeAll } from '../helpers/kustomize.js'

const cases = fixtureCases()

describe.skipIf(!hasKubectl)('the in-repo fixtures against kubectl kustomize', () => {
  // kubectl runs for every case up front, a few at a time; each test compares its own result.
  let results: KustomizeResult[] = []
  beforeAll(async () => {
    results = await kustomizeAll(cases.map((c) => join(c.dir, 'input', c.root)))
  }, 300_000)

  it.each(cases.map((c, index) => ({ ...c, index, label: c.name })))('$label', (c) => {
    const got = results[c.index]
    expect(got, 'kubectl ran for this case').toBeDefined()
    if (c.error !== undefined) {
      expect(got, 'kubectl must refuse it too').toHaveProperty('error')
      return
    }
    expect(got).toEqual({ out: readFileSync(join(c.dir, 'expected.yaml'), 'utf8') })
  })
})
