// --set-file and --set-literal on bad input: typed errors with helm's text, no prototype touched.
import { isGitOpsError } from '@gitops-sdk/core'
import { afterEach, describe, expect, it } from 'vitest'
import { assertNoPollution, pollutingKeys } from '../../../../testing/pollution.js'
import { parseSetValues } from '../../src/index.js'

afterEach(() => {
  assertNoPollution()
})

function code(f: () => unknown): string {
  try {
    f()
  } catch (err) {
    return isGitOpsError(err) ? `${err.code}: ${err.message}` : `${(err as Error).name}: ${(err as Error).message}`
  }
  return 'no error'
}

describe('parseSetValues file and literal', () => {
  it('needs a reader for files and names a missing one as helm does', () => {
    expect(code(() => parseSetValues('a=x', { type: 'file' }))).toBe('TypeError: parseSetValues: type "file" needs options.readFile')
    const missing = () => {
      throw Object.assign(new Error('gone'), { code: 'ENOENT' })
    }
    expect(code(() => parseSetValues('a=conf/x.txt', { type: 'file', readFile: missing }))).toBe('HELM_VALUES_INVALID: failed parsing --set-file data: open conf/x.txt: no such file or directory')
  })

  it('refuses a literal key without a value', () => {
    expect(code(() => parseSetValues('a.b', { type: 'literal' }))).toBe('HELM_VALUES_INVALID: failed parsing --set-literal data: key "b" has no value')
  })

  it('keeps literal commas, backslashes and equals signs', () => {
    expect(JSON.parse(JSON.stringify(parseSetValues('a.b=x,y\\z=1', { type: 'literal' })))).toEqual({ a: { b: 'x,y\\z=1' } })
  })

  it.each(pollutingKeys)('keeps %s as a plain key', (key) => {
    const v = parseSetValues(`${key}.x=1`, { type: 'literal' })
    expect(Object.getPrototypeOf(v)).toBeNull()
    expect(Object.keys(v)).toEqual([key])
  })
})
