import { describe, expect, it } from 'vitest'
import { displayPaths } from './renderDirectory.js'

describe('displayPaths', () => {
  it('shows root-relative paths relative to the working directory, or absolute outside it', () => {
    expect(displayPaths("tmp/app/kustomization.yaml: resources[0]: 'tmp/app/x.yaml' doesn't exist", '/', '/tmp/app')).toBe(
      "kustomization.yaml: resources[0]: 'x.yaml' doesn't exist",
    )
    expect(displayPaths("in directory 'tmp/base'", '/', '/tmp/app')).toBe("in directory '/tmp/base'")
    expect(displayPaths('tmp/app: bad', '/', '/tmp/app')).toBe('.: bad')
  })

  it('leaves words alone that do not start with a directory under the root', () => {
    const text = "kustomization.yaml: patches[0]: no match for 'apps/v1 Deployment' in ../base, a/b or (x/y)"
    expect(displayPaths(text, '/', '/tmp')).toBe(text)
  })
})
