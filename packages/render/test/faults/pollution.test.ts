// Prototype pollution through render's walks over user-controlled keys: JSON patches, strategic
// merge patches, field specs, replacement and var field paths, and polluting keys in manifests
// and kustomization files. Each build either fails with a typed RenderError or succeeds holding
// the key as plain data; no built-in prototype may change.
import { memoryFs } from '@gitops-sdk/core'
import { afterEach, describe, expect, it } from 'vitest'
import { assertNoPollution, plantedProperty, pollutingFieldPaths, pollutingPointers, pollutingYaml } from '../../../../testing/pollution.js'
import { isRenderError, render } from '../../src/index.js'

const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  labels:\n    a: b\ndata:\n  k: v\n'
const deployment = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: x\n'
const indent = (text: string, n: number): string => text.replace(/^(?=.)/gm, ' '.repeat(n))

async function build(files: Record<string, string>): Promise<void> {
  try {
    await render('.', { fs: memoryFs(files) })
  } catch (err) {
    expect(isRenderError(err), String(err)).toBe(true)
  }
}

afterEach(() => {
  assertNoPollution()
  expect(({} as Record<string, unknown>)[plantedProperty]).toBeUndefined()
})

describe('render never pollutes a prototype', () => {
  it.each(pollutingPointers)('JSON patch path %s', async (pointer) => {
    await build({
      'kustomization.yaml': `resources: [cm.yaml]\npatches:\n- target: {kind: ConfigMap}\n  patch: '[{"op": "add", "path": "${pointer}", "value": "yes"}, {"op": "replace", "path": "${pointer}", "value": "yes"}]'\n`,
      'cm.yaml': configMap,
    })
  })

  it.each(pollutingPointers)('JSON patch copy and move from %s', async (pointer) => {
    await build({
      'kustomization.yaml': `resources: [cm.yaml]\npatches:\n- target: {kind: ConfigMap}\n  patch: '[{"op": "copy", "from": "/data", "path": "${pointer}"}, {"op": "move", "from": "${pointer}", "path": "/data/moved"}]'\n`,
      'cm.yaml': configMap,
    })
  })

  it.each(pollutingYaml)('strategic merge patch %j', async (doc) => {
    await build({
      'kustomization.yaml': 'resources: [cm.yaml]\npatches:\n- path: patch.yaml\n',
      'cm.yaml': configMap,
      'patch.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n${doc.startsWith('metadata') ? '' : 'data:\n'}${doc.startsWith('metadata') ? doc.replace('metadata:\n', 'metadata:\n  name: cm\n').replace(/^metadata:\n {2}name: cm\n/, '') : indent(doc, 2)}`,
    })
  })

  it.each(pollutingYaml)('resource holding %j', async (doc) => {
    await build({ 'kustomization.yaml': 'resources: [cm.yaml]\nnamePrefix: p-\ncommonLabels: {x: y}\n', 'cm.yaml': `${configMap}spec:\n${indent(doc, 2)}` })
  })

  it.each(pollutingYaml)('kustomization file holding %j', async (doc) => {
    await build({ 'kustomization.yaml': `resources: [cm.yaml]\n${doc}`, 'cm.yaml': configMap })
  })

  it.each(pollutingYaml)('configMapGenerator options holding %j', async (doc) => {
    await build({ 'kustomization.yaml': `configMapGenerator:\n- name: g\n  literals: [a=b]\n  options:\n    labels:\n${indent(doc, 6)}` })
  })

  it.each(pollutingFieldPaths.map((p) => p.replaceAll('.', '/')))('field spec path %s (configurations)', async (path) => {
    await build({
      'kustomization.yaml': 'resources: [cm.yaml]\nconfigurations: [config.yaml]\ncommonLabels: {x: y}\ncommonAnnotations: {x: y}\nnamePrefix: p-\nnamespace: ns\n',
      'cm.yaml': configMap,
      'config.yaml': `commonLabels:\n- path: ${path}\n  create: true\ncommonAnnotations:\n- path: ${path}\n  create: true\nnamePrefix:\n- path: ${path}\n  create: true\nnamespace:\n- path: ${path}\n  create: true\n`,
    })
  })

  it.each(pollutingFieldPaths)('replacement target field path %s', async (fieldPath) => {
    await build({
      'kustomization.yaml': `resources: [cm.yaml]\nreplacements:\n- source: {kind: ConfigMap, fieldPath: data.k}\n  targets:\n  - select: {kind: ConfigMap}\n    fieldPaths: ['${fieldPath}']\n    options: {create: true}\n`,
      'cm.yaml': configMap,
    })
  })

  it.each(pollutingFieldPaths)('replacement source field path %s', async (fieldPath) => {
    await build({
      'kustomization.yaml': `resources: [cm.yaml]\nreplacements:\n- source: {kind: ConfigMap, fieldPath: '${fieldPath}'}\n  targets:\n  - select: {kind: ConfigMap}\n    fieldPaths: [data.k]\n`,
      'cm.yaml': configMap,
    })
  })

  it.each(pollutingFieldPaths)('var fieldref %s', async (fieldPath) => {
    await build({
      'kustomization.yaml': `resources: [cm.yaml, deploy.yaml]\nvars:\n- name: V\n  objref: {kind: ConfigMap, name: cm, apiVersion: v1}\n  fieldref: {fieldpath: '${fieldPath}'}\n`,
      'cm.yaml': configMap,
      'deploy.yaml': deployment.replace('image: x', 'image: $(V)'),
    })
  })

  it.each(pollutingFieldPaths.map((p) => p.replaceAll('.', '/')))('varReference path %s', async (path) => {
    await build({
      'kustomization.yaml': `resources: [cm.yaml]\nconfigurations: [config.yaml]\nvars:\n- name: V\n  objref: {kind: ConfigMap, name: cm, apiVersion: v1}\n  fieldref: {fieldpath: data.k}\n`,
      'cm.yaml': configMap,
      'config.yaml': `varReference:\n- path: ${path}\n`,
    })
  })

  it('keeps a __proto__ key of a resource as plain data', async () => {
    const [cm] = await render('.', { fs: memoryFs({ 'kustomization.yaml': 'resources: [cm.yaml]\n', 'cm.yaml': `${configMap.replace('  k: v\n', '')}  __proto__: kept\n` }) })
    expect(Object.getPrototypeOf(cm?.data)).not.toBe('kept')
    expect(Object.prototype.hasOwnProperty.call(cm?.data, '__proto__')).toBe(true)
  })
})
