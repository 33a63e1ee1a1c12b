import { describe, expect, it } from 'vitest'
import { prng } from '../../../../testing/prng.js'
import { quickHead } from './manifestHead.js'
import { fullHead } from './manifests.js'
import { parseYamlValueFull } from './yamlValues.js'

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
    helm.sh/chart: "web-1.0.0"
spec:
  replicas: 2
  selector:
    matchLabels: {}
  template:
    metadata:
      annotations:
        checksum/config: 6f2c0a
    spec:
      containers:
        - name: app
          image: "ghcr.io/x/web:1.0"
          args:
            - "--port=9898"
            - --level=info # the default
            - 'it''s'
          env:
          - name: A
            value: "x\\"y\\u00e9"
          ports:
            -
              containerPort: 9898
          resources: []
# a trailing comment
`

/**
 * What sortManifests would conclude from the full parse, or the error it would raise: through the
 * `yaml` package alone (parseYamlValueFull), not parseYamlValue, which tries the quick values
 * reader first and could share a bug with quickHead.
 */
function full(doc: string): { kind: string } | 'hook' | 'error' {
  try {
    const head = fullHead(doc, 'chart/templates/x.yaml', parseYamlValueFull)
    return head.hook ? 'hook' : { kind: head.kind }
  } catch {
    return 'error'
  }
}

function agrees(doc: string): boolean {
  const quick = quickHead(doc)
  if (quick === undefined) return true
  const want = full(doc)
  if (want === 'hook' || want === 'error' || want.kind !== quick.kind) {
    throw new Error(`quickHead read ${JSON.stringify(quick)} where a full parse gives ${JSON.stringify(want)} for:\n${doc}`)
  }
  return true
}

describe('quickHead', () => {
  it('reads the kind of plain block YAML without a full parse, as the full parse reads it', () => {
    expect(quickHead(deployment)).toEqual({ kind: 'Deployment' })
    expect(full(deployment)).toEqual({ kind: 'Deployment' })
    expect(quickHead('apiVersion: v1\nmetadata:\n  name: x')).toEqual({ kind: '' })
    expect(quickHead('items:\n- a\n- b: c\n  d: e\nkind: List')).toEqual({ kind: 'List' })
    const scalars = 'data:\n  a: |\n    kind: Secret\n\n      - x: "\n    # text\n  b: >-\n\n    folded\n  c: |+ # keep\n  d: |\nkind: ConfigMap'
    expect(quickHead(scalars)).toEqual({ kind: 'ConfigMap' })
    expect(full(scalars)).toEqual({ kind: 'ConfigMap' })
  })

  it('leaves to the full parse what it is not sure of', () => {
    for (const doc of [
      'kind: Job\nmetadata:\n  annotations:\n    helm.sh/hook: pre-install',
      'kind: "Deployment"',
      'kind: yes',
      'kind: Deployment\nkind: Service',
      'kind:\n  nested: x',
      'kind: |\n  Deployment',
      'a: |2\n  text',
      'a: |\n    text\n  more',
      'a: |\n    \n  text',
      'a: |\n    text\n  # comment',
      '- |\n  text',
      `a: |\n  ${'['.repeat(1001)}`,
      `a:\n${' '.repeat(1001)}b: 1`,
      'a: [1, 2]',
      'a: &x 1\nb: *x',
      'a: !!str 1',
      '- a\n- b',
      'just text',
      'a:\n    b: 1\n  c: 2',
      'a: b: c',
      'a: "unterminated',
      'a: "x"y',
      'null: 1',
      '<<: {}',
      'a:\tb',
      'a: 1\n...\nb: 2',
      'a: "\\q"',
      'a:\n  plain\n  continued',
      `${'k'.repeat(1100)}: 1`,
    ]) {
      expect(quickHead(doc), doc).toBeUndefined()
      agrees(doc)
    }
    // Past the cheap nesting scan but two levels deep: the full parse measures and reads it.
    expect(full(`kind: K\na:\n${' '.repeat(1001)}b: 1`)).toEqual({ kind: 'K' })
    expect(full(`kind: K\na: |\n  ${'['.repeat(1001)}`)).toEqual({ kind: 'K' })
    expect(full(`kind: K\na: ${'['.repeat(1001)}${']'.repeat(1001)}`)).toBe('error')
  })

  it('agrees with the full parse on seeded mutations of a manifest (seed printed on failure)', () => {
    const blocks = `kind: ConfigMap\ndata:\n  a.yaml: |\n    - name: x\n      labels:\n        app: "a: b"\n\n    note: [1, 2]\n  b: >-\n    folded\n    text\n  c: 1\n`
    const pieces = [' ', '  ', '\n', '\n  ', '\n- ', '- ', ':', ': ', '#', ' #', '"', "'", '\\', '{', '}', '[', ']', '{}', '[]', '&a', '*a', '!', '|', '>', '%', '@', '?', ',', '-', '---', '...', 'kind', 'kind: Service', 'null', 'yes', '~', 'x', '1', '\t', '<<']
    // Quick answers per base document: [deployment, blocks].
    const quick = [0, 0]
    for (let seed = 1; seed <= 1500; seed++) {
      const next = prng(seed)
      const base = seed % 2 === 0 ? 0 : 1
      let doc = base === 0 ? deployment : blocks
      const edits = 1 + Math.floor(next() * 3)
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(next() * doc.length)
        const piece = pieces[Math.floor(next() * pieces.length)] ?? ''
        doc = next() < 0.3 ? doc.slice(0, at) + doc.slice(at + 1) : doc.slice(0, at) + piece + doc.slice(at)
      }
      doc = doc.trim()
      try {
        agrees(doc)
      } catch (err) {
        throw new Error(`seed ${seed}: ${(err as Error).message}`, { cause: err })
      }
      if (quickHead(doc) !== undefined) quick[base] = (quick[base] ?? 0) + 1
    }
    // Many mutations of each stay plain YAML the quick reader answers (block scalars included);
    // the rest went to the full parse.
    // (149 and 265 of 750 each when written.)
    expect(quick[0]).toBeGreaterThan(100)
    expect(quick[1]).toBeGreaterThan(180)
  })
})
