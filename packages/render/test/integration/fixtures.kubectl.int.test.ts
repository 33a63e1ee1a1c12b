// Checks the in-repo fixtures against the installed kubectl: each expected.yaml must still be what
// `kubectl kustomize` prints for its input (and error cases must still be refused), so a fixture
// edited by hand, or a kubectl whose kustomize differs, is noticed. Skips without kubectl.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { hasKubectl, kubectl } from '../../../../testing/kubectl.js'
import { fixtureCases } from '../helpers/fixtures.js'

function kustomize(dir: string): { out: string } | { error: string } {
  try {
    return { out: execFileSync(kubectl, ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) }
  } catch (err) {
    return { error: String((err as { stderr?: string }).stderr ?? err) }
  }
}

describe.skipIf(!hasKubectl)('the in-repo fixtures against kubectl kustomize', () => {
  it.each(fixtureCases().map((c) => ({ ...c, label: c.name })))('$label', (c) => {
    const got = kustomize(join(c.dir, 'input', c.root))
    if (c.error !== undefined) {
      expect(got, 'kubectl must refuse it too').toHaveProperty('error')
      return
    }
    expect(got).toEqual({ out: readFileSync(join(c.dir, 'expected.yaml'), 'utf8') })
  })
})
