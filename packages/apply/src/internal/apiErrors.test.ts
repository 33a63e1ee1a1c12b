import { describe, expect, it } from 'vitest'
import { errorFromStatus, isPatchNotApplied, parseStatus } from './apiErrors.js'

const where = { subject: 'Deployment/prod/web', action: 'dry-run apply' }

describe('errorFromStatus', () => {
  it('turns an SSA conflict into APPLY_FIELD_CONFLICT naming fields and managers', () => {
    const body = { kind: 'Status', status: 'Failure', reason: 'Conflict', code: 409, message: 'Apply failed with 2 conflicts', details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "hpa" using autoscaling/v2', field: '.spec.replicas' }, { reason: 'FieldManagerConflict', message: 'conflict with "kubectl-edit"', field: '.spec.template.spec.containers[name="app"].image' }] } }
    const err = errorFromStatus(parseStatus(409, JSON.stringify(body)), where)
    expect(err.code).toBe('APPLY_FIELD_CONFLICT')
    expect(err.message).toBe('Deployment/prod/web: dry-run apply failed (Conflict): fields owned by another manager: .spec.replicas (hpa), .spec.template.spec.containers[name="app"].image (kubectl-edit)')
    expect(err.details).toMatchObject({ fields: ['.spec.replicas', '.spec.template.spec.containers[name="app"].image'], managers: ['hpa', 'kubectl-edit'] })
  })

  it.each([
    { name: 'a selector change', message: 'Deployment.apps "web" is invalid: spec.selector: Invalid value: {}: field is immutable', field: 'spec.selector' },
    { name: 'a StatefulSet spec change', message: "StatefulSet.apps \"db\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy' are forbidden", field: 'spec' },
    { name: 'a CEL rule', message: 'Widget "w" is invalid: spec.size: Invalid value: "integer": Value is immutable', field: 'spec.size' },
  ])('recognises $name as APPLY_IMMUTABLE_FIELD', ({ message, field }) => {
    const body = { kind: 'Status', reason: 'Invalid', code: 422, message, details: { causes: [{ reason: 'FieldValueInvalid', message, field }] } }
    const err = errorFromStatus(parseStatus(422, JSON.stringify(body)), where)
    expect(err.code).toBe('APPLY_IMMUTABLE_FIELD')
    expect(err.details.fields).toEqual([field])
  })

  it.each([
    { status: 400, code: 'APPLY_INVALID' },
    { status: 422, code: 'APPLY_INVALID' },
    { status: 401, code: 'APPLY_UNAUTHORIZED' },
    { status: 403, code: 'APPLY_FORBIDDEN' },
    { status: 404, code: 'APPLY_NOT_FOUND' },
    { status: 500, code: 'APPLY_API_ERROR' },
  ])('maps HTTP $status to $code', ({ status, code }) => {
    expect(errorFromStatus(parseStatus(status, '{"kind":"Status","message":"nope"}'), where).code).toBe(code)
  })

  it('keeps a non-JSON answer to one line', () => {
    const err = errorFromStatus(parseStatus(502, 'Bad Gateway\n<html>…'), where)
    expect(err.message).toBe('Deployment/prod/web: dry-run apply failed (502): Bad Gateway')
  })
})

describe('isPatchNotApplied', () => {
  const where = { subject: 'ConfigMap/ns/cfg', action: 'patch' }
  // kube-apiserver's body for a JSON patch whose resourceVersion test fails (NewGenericServerResponse).
  const generic = '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server rejected our request due to an error in our request","reason":"Invalid","details":{},"code":422}'

  it("is kube's generic 422 for a patch that did not apply", () => {
    expect(isPatchNotApplied(errorFromStatus(parseStatus(422, generic), where), '/metadata/resourceVersion')).toBe(true)
  })

  it('is an Invalid answer naming the tested path', () => {
    const named = JSON.stringify({ kind: 'Status', status: 'Failure', message: 'ConfigMap "cfg" is invalid: patch: Invalid value: "[{\\"op\\":\\"test\\",\\"path\\":\\"/metadata/resourceVersion\\"}]": testing value failed', reason: 'Invalid', code: 422 })
    expect(isPatchNotApplied(errorFromStatus(parseStatus(422, named), where), '/metadata/resourceVersion')).toBe(true)
  })

  it.each([
    ['a 422 with causes', 422, '{"kind":"Status","message":"the server rejected our request due to an error in our request","reason":"Invalid","details":{"causes":[{"reason":"FieldValueInvalid","message":"bad","field":"metadata.labels"}]},"code":422}'],
    ['a 400 with the same words', 400, '{"kind":"Status","message":"the server rejected our request due to an error in our request","reason":"BadRequest","code":400}'],
    ['the words inside a longer message', 422, '{"kind":"Status","message":"admission webhook denied: the server rejected our request due to an error in our request (sic)","reason":"Invalid","code":422}'],
    ['another Invalid answer', 422, '{"kind":"Status","message":"ConfigMap \\"cfg\\" is invalid: metadata.labels: Invalid value","reason":"Invalid","code":422}'],
  ])('is not %s', (_name, code, body) => {
    expect(isPatchNotApplied(errorFromStatus(parseStatus(code, body), where), '/metadata/resourceVersion')).toBe(false)
  })

  it('is not an error of another kind', () => {
    expect(isPatchNotApplied(new Error('the server rejected our request due to an error in our request'), '/metadata/resourceVersion')).toBe(false)
  })
})

