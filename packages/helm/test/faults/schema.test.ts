// Bad values.schema.json files and hostile schemas: typed errors naming the chart's schema file,
// nothing written, no prototype touched.
import { isGitOpsError, memoryFs } from '@gitops-sdk/core'
import { afterEach, describe, expect, it } from 'vitest'
import { assertNoPollution, pollutingJson, pollutingKeys } from '../../../../testing/pollution.js'
import { renderChart } from '../../src/index.js'
import { chartRejection } from '../helpers/chartRejection.js'

afterEach(() => {
  assertNoPollution()
})

const files = (schema: string, values = 'a: 1\n'): Record<string, string> => ({
  'c/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n',
  'c/values.yaml': values,
  'c/values.schema.json': schema,
  'c/templates/x.yaml': 'a: {{ .Values.a }}\n',
})

const failure = (schema: string, values?: string): Promise<{ code: string; message: string }> => chartRejection(memoryFs(files(schema, values)))

describe('renderChart with bad schemas', () => {
  it('refuses a schema that is not JSON, naming the file', async () => {
    expect(await failure('{')).toMatchObject({ code: 'HELM_CHART_INVALID', message: expect.stringMatching(/^c\/values\.schema\.json: /) as unknown })
    expect(await failure('"x"')).toMatchObject({ code: 'HELM_CHART_INVALID', message: 'c/values.schema.json: a schema must be an object or a boolean' })
  })

  it('never fetches a remote $ref', async () => {
    const r = await failure('{"$ref": "http://127.0.0.1:9/x.json"}')
    expect(r).toEqual({ code: 'HELM_CHART_INVALID', message: "c/values.schema.json: $ref 'http://127.0.0.1:9/x.json' is not inside values.schema.json; remote schemas are not fetched" })
  })

  it('refuses a $ref that does not resolve and a bad pattern', async () => {
    expect(await failure('{"$ref": "#/definitions/none"}')).toMatchObject({ code: 'HELM_CHART_INVALID' })
    expect(await failure('{"properties": {"a": {"type": "string", "pattern": "(?<x"}}}', 'a: x\n')).toMatchObject({ code: 'HELM_CHART_INVALID' })
  })

  it('stops a $ref loop with a typed error', async () => {
    expect(await failure('{"$defs": {"l": {"$ref": "#/$defs/l"}}, "$ref": "#/$defs/l"}')).toMatchObject({ code: 'HELM_CHART_INVALID', message: expect.stringMatching(/recursion/) as unknown })
  })

  it('refuses values that fail the schema with helm message', async () => {
    expect(await failure('{"properties": {"a": {"type": "string"}}}')).toEqual({
      code: 'HELM_VALUES_INVALID',
      message: "values don't meet the specifications of the schema(s) in the following chart(s):\nc:\n- at '/a': got number, want string",
    })
  })

  it.each(pollutingKeys)('treats %s in schemas and values as a plain name', async (key) => {
    const schema = JSON.stringify({ properties: { [key]: { type: 'string' } }, required: [key], additionalProperties: false })
    const r = await failure(schema, `${key}: 1\n`)
    expect(r.code).toBe('HELM_VALUES_INVALID')
    expect(r.message).toContain(`- at '/${key}': got number, want string`)
  })

  it.each(pollutingJson)('validates hostile JSON schema %s without touching prototypes', async (schema) => {
    const fs = memoryFs(files(schema))
    await renderChart('c', { fs }).catch((err: unknown) => {
      if (!isGitOpsError(err)) throw err
    })
  })

  it('skips validation when asked, as --skip-schema-validation', async () => {
    const r = await renderChart('c', { fs: memoryFs(files('{"properties": {"a": {"type": "string"}}}')), skipSchemaValidation: true })
    expect(r.text).toContain('a: 1')
  })
})
