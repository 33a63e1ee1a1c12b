import type { KubeObject } from '@gitops-sdk/core'
import { stringifyObjects } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { parseVariables, substituteVariables } from './index.js'

const cm = (data: Record<string, string>, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'c', ...extra },
  data,
})

describe('substituteVariables', () => {
  // CoreDNS's `zone: .`: read back as YAML 1.1 by another parser it became NaN, and printing failed
  // with "unsupported value: NaN"; sigs.k8s.io/yaml (go-yaml v2) keeps it a string.
  it('keeps a bare dot a string after substitution, in a text the fast reader leaves to the full one', () => {
    const [out] = substituteVariables([{ ...cm({ zone: '.', other: '-.', name: '${cluster}' }), list: ['.', '${cluster}'] }], { variables: { cluster: 'prod' } })
    expect(out?.data).toEqual({ zone: '.', other: '-.', name: 'prod' })
    expect((out as unknown as { list: unknown }).list).toEqual(['.', 'prod'])
    expect(stringifyObjects([out as KubeObject])).toContain('zone: .\n')
  })

  it('reads a substituted date as its text and yes as a boolean, as go-yaml v2 does', () => {
    const [out] = substituteVariables([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { d: '${day}' } }, spec: { on: '${yes}' } }], { variables: { day: '2001-12-14', yes: 'yes' } })
    expect(out?.metadata.labels).toEqual({ d: '2001-12-14' })
    expect((out as unknown as { spec: unknown }).spec).toEqual({ on: true })
  })

  it('keeps numbers and booleans typed when a whole scalar is substituted', () => {
    const [out] = substituteVariables(
      [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: '${replicas}', paused: '${paused}', label: 'v${replicas}' } }],
      { variables: { replicas: '3', paused: 'true' } },
    )
    expect(out?.spec).toEqual({ replicas: 3, paused: true, label: 'v3' })
  })

  it('supports defaults, offsets and $$ escapes', () => {
    const [out] = substituteVariables([cm({ a: '${missing:=x}', b: '${missing:-why}', c: '${word:1:3}', d: '$${word}' })], { variables: { word: 'abcdef' } })
    expect(out?.data).toEqual({ a: 'x', b: 'why', c: 'bcd', d: '${word}' })
  })

  it('fails an undefined variable in strict mode, naming the object and variable', () => {
    let err: unknown
    try {
      substituteVariables([cm({ a: '${nope}' })], { variables: { other: '1' }, strict: true })
    } catch (e) {
      err = e
    }
    expect(err).toMatchObject({ code: 'RENDER_SUBSTITUTE_FAILED', details: { object: 'ConfigMap/c', variable: 'nope' } })
  })

  it('leaves objects that opt out, and everything when no variable is given', () => {
    const optedOut = cm({ a: '${x}' }, { annotations: { 'kustomize.toolkit.fluxcd.io/substitute': 'disabled' } })
    expect(substituteVariables([optedOut], { variables: { x: '1' } })[0]).toBe(optedOut)
    const untouched = cm({ a: '${x}' })
    expect(substituteVariables([untouched], { variables: {}, strict: true })[0]).toBe(untouched)
  })

  it('reads substituted text with YAML 1.1 rules, as Flux does: y and yes are booleans', () => {
    expect(substituteVariables([cm({ a: '${v}' })], { variables: { v: 'yes' } })[0]?.data).toEqual({ a: true })
  })

  it('drops newlines from values and refuses invalid variable names', () => {
    expect(substituteVariables([cm({ a: '${v}' })], { variables: { v: 'x\ny' } })[0]?.data).toEqual({ a: 'xy' })
    expect(() => substituteVariables([cm({})], { variables: { 'bad-name': '1' } })).toThrow(/invalid name/)
  })
})

describe('parseVariables', () => {
  it('reads dotenv lines, YAML maps and ConfigMap or Secret manifests', () => {
    expect(parseVariables('# c\nexport A=1\nB="two words"\n')).toEqual({ A: '1', B: 'two words' })
    expect(parseVariables('a: 1\nb: x\n')).toEqual({ a: '1', b: 'x' })
    expect(parseVariables('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: v}\ndata: {env: prod}\n')).toEqual({ env: 'prod' })
    expect(parseVariables('apiVersion: v1\nkind: Secret\nmetadata: {name: v}\ndata: {token: c2VjcmV0}\n')).toEqual({ token: 'secret' })
  })

  it('refuses text that is none of those', () => {
    expect(() => parseVariables('- a\n- b\n', 'vars.yaml')).toThrow(/vars.yaml/)
  })
})
