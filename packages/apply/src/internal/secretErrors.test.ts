import { describe, expect, it } from 'vitest'
import type { KubeObject } from '@gitops-sdk/core'
import { errorFromStatus, parseStatus } from './apiErrors.js'
import { maskText, secretMask } from './secretErrors.js'

const secret: KubeObject = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'db', namespace: 'prod' },
  type: 'Opaque',
  data: { password: Buffer.from('pa"ss\nword').toString('base64') },
  stringData: { pin: 'x9' },
}

describe('maskText', () => {
  it.each([
    { name: 'a quoted data value, decoded', text: 'data[password]: Invalid value: "pa\\"ss\\nword": too long', want: 'data[password]: Invalid value: "***": too long' },
    { name: 'the base64 form', text: `cannot decode ${Buffer.from('pa"ss\nword').toString('base64')}`, want: 'cannot decode ***' },
    { name: 'a short stringData value, by the quoted-string rule', text: 'stringData[pin]: Invalid value: "x9"', want: 'stringData[pin]: Invalid value: "***"' },
    { name: 'a quoted value it was never sent', text: 'value "from-etcd" rejected', want: 'value "***" rejected' },
    { name: 'a byte slice', text: 'Invalid value: []byte{0x70, 0x61}: bad', want: 'Invalid value: []byte{***}: bad' },
    { name: 'a number', text: 'Invalid value: 123456: must be a string', want: 'Invalid value: ***: must be a string' },
  ])('hides $name', ({ text, want }) => {
    expect(maskText(text, secretMask(secret))).toBe(want)
  })

  it('keeps names, keys, the type and conflicting managers', () => {
    const text = 'Secret "db" is invalid: namespace "prod", key "password", type "Opaque"; conflict with "kubectl-edit"'
    expect(maskText(text, secretMask(secret))).toBe(text)
  })
})

describe('errorFromStatus with a Secret mask', () => {
  it('masks the message and every cause, and keeps the code and field', () => {
    const body = {
      kind: 'Status',
      reason: 'Invalid',
      code: 422,
      message: 'Secret "db" is invalid: data[password]: Invalid value: "pa\\"ss\\nword": nope',
      details: { causes: [{ reason: 'FieldValueInvalid', field: 'data[password]', message: 'Invalid value: "pa\\"ss\\nword": nope' }] },
    }
    const err = errorFromStatus(parseStatus(422, JSON.stringify(body)), { subject: 'Secret/prod/db', action: 'apply', secret: secretMask(secret) })
    expect(err.code).toBe('APPLY_INVALID')
    expect(err.details.fields).toEqual(['data[password]'])
    expect(JSON.stringify(err.toJSON())).not.toContain("ss\\\\nword")
    expect(err.message).toBe('Secret/prod/db: apply failed (Invalid): Secret "db" is invalid: data[password]: Invalid value: "***": nope')
  })
})
