import { describe, expect, it } from 'vitest'
import * as api from './gitops.js'

describe('@gitops-sdk/controller/gitops exports', () => {
  it('exports exactly these names', () => {
    expect(Object.keys(api).sort()).toMatchSnapshot()
  })
})
