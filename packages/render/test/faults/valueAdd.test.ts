// Bad ValueAddTransformer configurations: each is refused with a typed RenderError naming the
// kustomization file and the transformer, and the input is left as it was.
import { memoryFs } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { isRenderError, render } from '../../src/index.js'

const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  k: v\n'
const plugin = (body: string): string => `apiVersion: builtin\nkind: ValueAddTransformer\nmetadata:\n  name: va\n${body}`

describe('render refuses a bad ValueAddTransformer', () => {
  it.each([
    { name: 'no target', body: 'value: x\n', message: 'must specify at least one target' },
    { name: 'an empty field path', body: 'value: x\ntargets:\n- fieldPath: ""\n', message: 'fieldPath cannot be empty' },
    { name: 'a negative file path position', body: 'value: x\ntargets:\n- fieldPath: data/k\n  filePathPosition: -1\n', message: 'cannot be negative' },
    { name: 'a path through a scalar', body: 'value: x\ntargets:\n- fieldPath: data/k/x\n', message: 'wrong node kind' },
    { name: 'a mapping as the target', body: 'value: x\ntargets:\n- fieldPath: data\n', message: 'expected ScalarNode but got MappingNode' },
  ])('$name', async ({ body, message }) => {
    const files = { 'kustomization.yaml': 'resources: [cm.yaml]\ntransformers: [va.yaml]\n', 'cm.yaml': configMap, 'va.yaml': plugin(body) }
    const fs = memoryFs(files)
    const err = await render('.', { fs }).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(isRenderError(err), String(err)).toBe(true)
    expect(err).toMatchObject({ code: 'RENDER_TRANSFORM_FAILED' })
    expect((err as Error).message).toContain('kustomization.yaml: transformers[0]')
    expect((err as Error).message).toContain(message)
    for (const [path, text] of Object.entries(files)) expect(new TextDecoder().decode(await fs.readFile(path))).toBe(text)
  })

  it('takes the kustomization directory\'s name when the value is empty, and targets from a file', async () => {
    const fs = memoryFs({
      'prod/kustomization.yaml': 'resources: [cm.yaml]\ntransformers: [va.yaml]\n',
      'prod/cm.yaml': configMap,
      'prod/va.yaml': plugin('value: "  "\ntargetFilePath: targets.yaml\n'),
      'prod/targets.yaml': 'targets:\n- selector: {kind: ConfigMap}\n  fieldPath: data/dir\n',
    })
    const [cm] = await render('prod', { fs })
    expect(cm?.data).toEqual({ k: 'v', dir: 'prod' })
  })
})
