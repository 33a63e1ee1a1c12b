import { describe, expect, it } from 'vitest'
import { FieldSet } from '../structured-merge-diff/fieldSet.js'
import type { Path, PathElement } from '../structured-merge-diff/path.js'
import { fieldElement } from '../structured-merge-diff/path.js'
import { conflictStatus, MAX_LISTED_CONFLICTS } from './conflicts.js'

describe('conflictStatus: bounded answer', () => {
  it('lists at most MAX_LISTED_CONFLICTS fields of a conflict at every level of a body 2,000 deep, and counts them all', () => {
    const paths: Path[] = []
    const prefix: PathElement[] = []
    for (let i = 0; i < 2000; i++) {
      prefix.push(fieldElement('a'))
      paths.push([...prefix, fieldElement('v')])
    }
    const status = conflictStatus(new Map([['{"manager":"bob","operation":"Apply"}', FieldSet.of(...paths)]]))
    const body = status.body() as { message: string; details: { causes: unknown[] } }
    expect(body.details.causes).toHaveLength(MAX_LISTED_CONFLICTS)
    expect(body.message.startsWith('Apply failed with 2000 conflicts: conflicts with')).toBe(true)
    expect(body.message.endsWith(`\n... and ${2000 - MAX_LISTED_CONFLICTS} more conflicts`)).toBe(true)
    expect(JSON.stringify(body).length).toBeLessThan(30_000_000)
  })
})
