import { describe, expect, it } from 'vitest'
import * as api from './testing.js'

describe('@gitops-sdk/oci-source/testing exports', () => {
  it('exports exactly these names', () => {
    expect(Object.keys(api).sort()).toMatchSnapshot()
  })
})
