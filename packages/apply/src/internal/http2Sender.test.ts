import { describe, expect, it } from 'vitest'
import { queryOf } from './http2Sender.js'

function reference(query: Record<string, string | undefined>): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.append(key, value)
  const text = params.toString()
  return text === '' ? '' : `?${text}`
}

describe('queryOf', () => {
  it('encodes every query exactly as URLSearchParams does', () => {
    const values = ['', 'gitops-bench', 'All', 'true', 'a.b_c*d-e', 'a~b', 'a b', 'a+b', 'a&b=c', 'é', '%41', 'a/b', 'label in (x,y)', '\u0000']
    for (const a of values) {
      for (const b of values) {
        const query = { fieldManager: a, [b === '' ? 'x' : b]: a, dryRun: undefined, force: b }
        expect(queryOf(query), JSON.stringify(query)).toBe(reference(query))
      }
    }
    expect(queryOf(undefined)).toBe('')
    expect(queryOf({ dryRun: undefined })).toBe('')
  })
})
