import type { KubeMap } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { FieldSet } from './fieldSet.js'
import { fromFieldsV1, toFieldsV1 } from './fieldsV1.js'
import { fieldElement, indexElement, keyElement, pathToString, valueElement } from './path.js'
import { fieldSetOf } from './typed.js'
import { builtinTypeSchema, crdTypeSchema } from '../fieldmanager/typeSchema.js'

const f = fieldElement

function fieldsOf(apiVersion: string, kind: string, object: KubeMap): KubeMap {
  const schema = builtinTypeSchema(apiVersion, kind)
  if (schema === undefined) throw new Error(`no schema for ${kind}`)
  return toFieldsV1(fieldSetOf(object, schema.root))
}

describe('toFieldsV1', () => {
  it('encodes the Apply entry of the spec example byte for byte (SPEC.md §10.4)', () => {
    const deployment = {
      metadata: { labels: { app: 'web' } },
      spec: { replicas: 2, template: { spec: { containers: [{ name: 'web', image: 'web:1' }] } } },
    }
    expect(JSON.stringify(fieldsOf('apps/v1', 'Deployment', deployment))).toBe(
      '{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},"f:template":{"f:spec":{"f:containers":{"k:{\\"name\\":\\"web\\"}":{".":{},"f:image":{},"f:name":{}}}}}}}',
    )
  })

  it('orders fields by byte order, then keys, then values; "." leads an element that is also a member', () => {
    const set = FieldSet.of(
      [f('b')],
      [f('a'), f('z')],
      [f('a')],
      [f('B')],
      [f('list'), keyElement([['name', 'y']])],
      [f('list'), keyElement([['name', 'x']]), f('image')],
      [f('list'), keyElement([['name', 'x']])],
      [f('set'), valueElement(true)],
      [f('set'), valueElement('s')],
      [f('set'), valueElement(2)],
      [f('set'), valueElement(10)],
    )
    expect(JSON.stringify(toFieldsV1(set))).toBe(
      '{"f:B":{},"f:a":{".":{},"f:z":{}},"f:b":{},"f:list":{"k:{\\"name\\":\\"x\\"}":{".":{},"f:image":{}},"k:{\\"name\\":\\"y\\"}":{}},' +
        '"f:set":{"v:2":{},"v:10":{},"v:\\"s\\"":{},"v:true":{}}}',
    )
  })

  it('writes keys with their fields in name order, numbers bare, and Go-escaped strings', () => {
    const service = { spec: { ports: [{ port: 80, protocol: 'TCP', name: 'http' }] }, metadata: { finalizers: ['a<b>&c'] } }
    const fields = fieldsOf('v1', 'Service', service)
    expect(Object.keys(fields['f:spec'] as KubeMap)).toEqual(['f:ports'])
    expect(Object.keys((fields['f:spec'] as KubeMap)['f:ports'] as KubeMap)).toEqual(['k:{"port":80,"protocol":"TCP"}'])
    expect(Object.keys((fields['f:metadata'] as KubeMap)['f:finalizers'] as KubeMap)).toEqual(['v:"a\\u003cb\\u003e\\u0026c"'])
  })

  it('completes a map-list key from the schema default (ContainerPort.protocol is TCP)', () => {
    const pod = { spec: { containers: [{ name: 'web', ports: [{ containerPort: 80 }] }] } }
    const containers = ((fieldsOf('v1', 'Pod', pod)['f:spec'] as KubeMap)['f:containers'] as KubeMap)['k:{"name":"web"}'] as KubeMap
    expect(Object.keys(containers['f:ports'] as KubeMap)).toEqual(['k:{"containerPort":80,"protocol":"TCP"}'])
  })

  it('round-trips through fromFieldsV1', () => {
    const fields = JSON.parse(
      '{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:ports":{"k:{\\"port\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:port":{}}},"f:x":{"i:0":{},"v:1.5":{}}}}',
    ) as KubeMap
    const set = fromFieldsV1(fields)
    expect(set.has([f('metadata'), f('labels')])).toBe(true)
    expect(set.has([f('metadata')])).toBe(false)
    expect(set.has([f('spec'), f('ports'), keyElement([['port', 80], ['protocol', 'TCP']])])).toBe(true)
    expect(set.has([f('spec'), f('x'), indexElement(0)])).toBe(true)
    expect(toFieldsV1(set)).toEqual(fields)
  })

  it('reads an element without children as a member, and skips unknown element kinds', () => {
    const set = fromFieldsV1({ 'f:a': {}, 'x:b': {}, 'f:c': { '.': {} } })
    expect(set.paths().map((path) => pathToString(path))).toEqual(['.a', '.c'])
  })
})

describe('fieldSetOf (SPEC.md §10.3)', () => {
  it('owns label and data keys themselves but implies named struct fields', () => {
    const set = fieldSetOf({ metadata: { labels: { app: 'web' } }, data: { a: '1' } }, builtinTypeSchema('v1', 'ConfigMap')!.root)
    expect(set.paths().map((path) => pathToString(path))).toEqual(['.data.a', '.metadata.labels.app'])
  })

  it('owns an atomic value without what is below it', () => {
    const set = fieldSetOf(
      { spec: { selector: { matchLabels: { app: 'web' } }, template: { spec: { nodeSelector: { disk: 'ssd' } } } } },
      builtinTypeSchema('apps/v1', 'Deployment')!.root,
    )
    expect(set.paths().map((path) => pathToString(path))).toEqual(['.spec.selector', '.spec.template.spec.nodeSelector'])
  })

  it('gives an empty associative list no path, an empty map and a null one', () => {
    const set = fieldSetOf({ metadata: { finalizers: [], annotations: {} }, data: null }, builtinTypeSchema('v1', 'ConfigMap')!.root)
    expect(set.paths().map((path) => pathToString(path))).toEqual(['.data', '.metadata.annotations'])
  })

  it('prints paths with keys, values and indices (SPEC.md §10.3)', () => {
    expect(pathToString([f('spec'), f('template'), f('spec'), f('containers'), keyElement([['name', 'web']]), f('image')])).toBe(
      '.spec.template.spec.containers[name="web"].image',
    )
    expect(pathToString([f('spec'), f('ports'), keyElement([['port', 80], ['protocol', 'TCP']])])).toBe('.spec.ports[port=80,protocol="TCP"]')
    expect(pathToString([f('metadata'), f('finalizers'), valueElement('example.com/x')])).toBe('.metadata.finalizers[="example.com/x"]')
    expect(pathToString([f('x'), indexElement(3), valueElement(true), valueElement(1.5)])).toBe('.x[3][=true][=1.5]')
    expect(pathToString([f('m'), valueElement('tab\there "q"')])).toBe('.m[="tab\\there \\"q\\""]')
  })

  it('treats every key of a deduced (schemaless) object as owned, lists atomically', () => {
    const set = fieldSetOf({ spec: { a: { b: 1 }, list: [{ x: 1 }] } }, crdTypeSchema(undefined).root)
    expect(set.paths().map((path) => pathToString(path))).toEqual(['.spec', '.spec.a', '.spec.list', '.spec.a.b'])
  })
})

describe('path element keys', () => {
  // structured-merge-diff v4 (kube-apiserver 1.32) writes k: and v: keys with json-iterator, which
  // has no \b or \f short escapes, unlike encoding/json since Go 1.22 (what kubectl -o json prints).
  it('are written as json-iterator writes them: \\u0008 and \\u000c, HTML escaped, keys in order', () => {
    expect(keyElement([['name', 'a\bb\fc<&>'], ['port', 80]]).id).toBe('k:{"name":"a\\u0008b\\u000cc\\u003c\\u0026\\u003e","port":80}')
    expect(valueElement('x\u2028\t').id).toBe('v:"x\\u2028\\t"')
    expect(valueElement(1.5).id).toBe('v:1.5')
  })
})
