import { describe, expect, it } from 'vitest'
import { managerIdentity, parseIdentity, rememberedIdentities } from './managedFields.js'

describe('parseIdentity', () => {
  it('remembers short identities and reads long ones back each time without remembering them', () => {
    const short = managerIdentity({ manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', subresource: '' })
    const first = parseIdentity(short)
    const before = rememberedIdentities()
    expect(before).toBeGreaterThan(0)
    const info = { manager: 'm'.repeat(10_000), operation: 'Update' as const, apiVersion: 'v1', subresource: '' }
    const long = managerIdentity(info)
    expect(parseIdentity(long).manager).toBe(info.manager)
    expect(parseIdentity(long).manager).toBe(info.manager)
    expect(rememberedIdentities()).toBe(before)
    expect(parseIdentity(short)).toEqual(first)
  })
})
