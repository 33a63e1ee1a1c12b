import { describe, expect, it } from 'vitest'
import { oidTable } from './oidTable.js'

function ids(hex: readonly string[]): Buffer {
  return Buffer.concat(hex.map((h) => Buffer.from(h, 'hex')))
}

describe('oidTable', () => {
  it('finds ids that share their leading bytes (one slot) and misses ids that differ in the last byte', () => {
    const same = 'abcdef01'
    const list = [`${same}${'00'.repeat(16)}`, `${same}${'00'.repeat(15)}01`, `${same}${'11'.repeat(16)}`, `00000000${'22'.repeat(16)}`]
    const table = oidTable(ids(list), list.length)
    list.forEach((hex, i) => expect(table.entryAt(Buffer.from(hex, 'hex'), 0)).toBe(i))
    expect(table.entryAt(Buffer.from(`${same}${'00'.repeat(15)}02`, 'hex'), 0)).toBe(-1)
    expect(table.entryAt(Buffer.from(`ffffffff${'00'.repeat(16)}`, 'hex'), 0)).toBe(-1)
  })

  it('answers the first of two equal ids', () => {
    const hex = `12345678${'9a'.repeat(16)}`
    const table = oidTable(ids([hex, `00${'00'.repeat(19)}`, hex]), 3)
    expect(table.entryAt(Buffer.from(hex, 'hex'), 0)).toBe(0)
  })

  it('finds each of many ids, and nothing in an empty table', () => {
    const list = Array.from({ length: 5000 }, (_, i) => Buffer.alloc(20, i % 251).toString('hex').slice(0, 32) + i.toString(16).padStart(8, '0'))
    const table = oidTable(ids(list), list.length)
    for (let i = 0; i < list.length; i += 7) expect(table.entryAt(Buffer.from(list[i] as string, 'hex'), 0)).toBe(i)
    expect(oidTable(Buffer.alloc(0), 0).entryAt(Buffer.alloc(20), 0)).toBe(-1)
  })
})
