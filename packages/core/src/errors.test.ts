import { describe, expect, it } from 'vitest'
import { CoreError, GitOpsError, isGitOpsError } from './index.js'

describe('GitOpsError', () => {
  it('carries a code, details and a cause, and serialises to JSON', () => {
    const cause = new Error('ENOENT')
    const err = new CoreError({ code: 'CORE_FS_NOT_FOUND', message: 'a.yaml: missing', details: { path: 'a.yaml' }, cause })
    expect(err).toBeInstanceOf(GitOpsError)
    expect(err.cause).toBe(cause)
    expect(JSON.parse(JSON.stringify(err))).toEqual({
      name: 'CoreError',
      code: 'CORE_FS_NOT_FOUND',
      message: 'a.yaml: missing',
      details: { path: 'a.yaml' },
      cause: 'ENOENT',
    })
  })

  it('is recognised by brand and code, not by class identity', () => {
    const err = new CoreError({ code: 'CORE_YAML_INVALID', message: 'x' })
    const copy = Object.create(Object.getPrototypeOf(err) as object) as unknown
    expect(isGitOpsError(err)).toBe(true)
    expect(isGitOpsError(err, 'CORE_YAML_INVALID', 'CORE_FS_NOT_FOUND')).toBe(true)
    expect(isGitOpsError(err, 'CORE_FS_NOT_FOUND')).toBe(false)
    expect(isGitOpsError(new Error('x'))).toBe(false)
    expect(isGitOpsError(copy)).toBe(false)
  })
})
