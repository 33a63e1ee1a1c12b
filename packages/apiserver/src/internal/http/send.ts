// Writing JSON answers and Status errors, and the media types a resource request may ask for.
import type { ServerResponse } from 'node:http'
import type { StatusError } from '../../status.js'

/** Writes a JSON answer; after headers went out (a watch), only ends the response. */
export function send(response: ServerResponse, answer: { code: number; body: unknown; headers?: Readonly<Record<string, string | string[]>> }): void {
  const { code, body, headers = {} } = answer
  if (response.headersSent) {
    response.end()
    return
  }
  const text = `${JSON.stringify(body)}\n`
  response.writeHead(code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Content-Length': Buffer.byteLength(text), ...headers })
  response.end(text)
}

/** Writes the Status body of `err`. */
export function sendError(response: ServerResponse, err: StatusError): void {
  send(response, { code: err.code, body: err.body(), headers: err.headers })
}

/** Whether the Accept header allows JSON (or YAML, which the server answers as JSON). */
export function acceptsJson(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true
  return accept.split(',').some((part) => {
    const media = (part.split(';')[0] ?? '').trim().toLowerCase()
    return media === 'application/json' || media === '*/*' || media === 'application/*' || media === 'application/yaml'
  })
}
