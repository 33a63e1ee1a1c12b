import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { sendError } from '../../internal/http/send.js'
import { StatusError } from '../../status.js'
import { FieldSet } from '../structured-merge-diff/fieldSet.js'
import type { Path } from '../structured-merge-diff/path.js'
import { fieldElement } from '../structured-merge-diff/path.js'
import { conflictStatus, MAX_LISTED_CONFLICTS } from './conflicts.js'

describe('conflictStatus: bounded answer', () => {
  it('lists at most MAX_LISTED_CONFLICTS fields of a conflict at every level of a body 2,000 deep, and counts them all', () => {
    const paths: Path[] = []
    const prefix: Path = []
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

describe('sendError: an answer that cannot be serialised', () => {
  it('answers a typed 500 instead of throwing', async () => {
    const bad = new StatusError({ code: 409, reason: 'Conflict', message: 'x', details: { causes: [{ reason: 'r', message: 'm', field: 1n as unknown as string }] } })
    const server = createServer((_request, response) => sendError(response, bad))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as AddressInfo
      const answer = await fetch(`http://127.0.0.1:${port}/`)
      expect(answer.status).toBe(500)
      const status = (await answer.json()) as { kind: string; code: number; message: string }
      expect(status).toMatchObject({ kind: 'Status', code: 500 })
      expect(status.message).toContain('the 409 answer to this request could not be serialised')
    } finally {
      server.close()
    }
  })
})
