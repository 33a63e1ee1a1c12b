// Runs render on every in-repo fixture (test/fixtures/<case>/input) and compares the printed
// objects with expected.yaml byte for byte, or expects the case's RENDER_* code when kubectl
// refused the tree. These cases need nothing outside the repository.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { nodeFs, stringifyObjects } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { isRenderError, render } from '../src/index.js'
import { fixtureCases } from './helpers/fixtures.js'

const cases = fixtureCases()

describe('render on the in-repo fixtures', () => {
  it('has at least 60 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60)
  })

  it.each(cases.filter((c) => c.error === undefined).map((c) => ({ ...c, label: c.name })))('prints what kubectl printed: $label', async (c) => {
    const expected = readFileSync(join(c.dir, 'expected.yaml'), 'utf8')
    const objects = await render(c.root, { fs: nodeFs(join(c.dir, 'input')) })
    expect(stringifyObjects(objects)).toBe(expected)
  })

  it.each(cases.filter((c) => c.error !== undefined).map((c) => ({ ...c, label: c.name })))('refuses as kubectl did: $label', async (c) => {
    const err: unknown = await render(c.root, { fs: nodeFs(join(c.dir, 'input')) }).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(isRenderError(err), String(err)).toBe(true)
    expect(err).toMatchObject({ code: c.error })
  })
})
