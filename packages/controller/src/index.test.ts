import { describe, expect, it } from 'vitest'
import * as api from './index.js'

describe('@gitops-sdk/controller exports', () => {
  it('exports exactly these names', () => {
    expect(Object.keys(api).sort()).toMatchSnapshot()
  })
})
