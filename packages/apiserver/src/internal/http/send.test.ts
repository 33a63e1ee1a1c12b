import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { StatusError } from '../../status.js'
import { sendError } from './send.js'

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
