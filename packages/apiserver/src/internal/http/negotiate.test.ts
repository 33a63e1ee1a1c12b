import { describe, expect, it } from 'vitest'
import { negotiate, negotiateResource, parseAccept } from './negotiate.js'

const builtin = { resource: true }
const custom = { resource: true, custom: true }
const errors = { resource: false }
const PB = 'application/vnd.kubernetes.protobuf'

describe('parseAccept', () => {
  it('orders clauses as goautoneg does, including its quirk that a concrete type beats a wildcard of higher quality', () => {
    const order = (h: string): string[] => parseAccept(h).map((c) => `${c.type}/${c.subtype};q=${c.q}`)
    expect(order('*/*, application/json')).toEqual(['application/json;q=1', '*/*;q=1'])
    expect(order('application/json;q=0.5, application/yaml')).toEqual(['application/yaml;q=1', 'application/json;q=0.5'])
    expect(order('*/*, text/html;q=0.1')).toEqual(['text/html;q=0.1', '*/*;q=1'])
    // Malformed ranges are skipped; a q that strconv.ParseFloat cannot read is 0; only spaces are trimmed.
    expect(order('json, a/b/c, application/json;q=x, * ')).toEqual(['*/*;q=1', 'application/json;q=0'])
  })
})

describe('negotiate', () => {
  it('follows the first clause a served serializer matches, JSON when there is no Accept header', () => {
    expect(negotiate(undefined, builtin)).toEqual({ media: 'json' })
    expect(negotiate(`${PB}, */*`, builtin)?.media).toBe('protobuf')
    expect(negotiate(`${PB},application/json`, builtin)?.media).toBe('protobuf')
    expect(negotiate(`application/json, ${PB}`, builtin)?.media).toBe('json')
    expect(negotiate('*/*', builtin)?.media).toBe('json')
    expect(negotiate('application/*', builtin)?.media).toBe('json')
    expect(negotiate(`application/json;q=0.5, ${PB}`, builtin)?.media).toBe('protobuf')
    expect(negotiate('application/yaml', builtin)?.media).toBe('yaml')
    expect(negotiate('text/html', builtin)).toBeUndefined()
  })

  it('never answers a custom resource in protobuf, unless transformed to meta.k8s.io metadata', () => {
    expect(negotiate(`${PB}, */*`, custom)?.media).toBe('json')
    expect(negotiate(PB, custom)).toBeUndefined()
    expect(negotiate(`${PB};as=PartialObjectMetadataList;g=meta.k8s.io;v=v1`, custom)).toEqual({ media: 'protobuf', convert: { kind: 'PartialObjectMetadataList', group: 'meta.k8s.io', version: 'v1' } })
    // Errors are negotiated without the endpoint's restriction: protobuf is fine for a Status.
    expect(negotiate(PB, errors)?.media).toBe('protobuf')
  })

  it('serves Tables in JSON or YAML only, and no transform at all for errors', () => {
    const kubectlGet = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json'
    expect(negotiate(kubectlGet, builtin)).toEqual({ media: 'json', convert: { kind: 'Table', group: 'meta.k8s.io', version: 'v1' } })
    expect(negotiate(kubectlGet, errors)).toEqual({ media: 'json' })
    expect(negotiate(`${PB};as=Table;v=v1;g=meta.k8s.io`, builtin)).toBeUndefined()
    expect(negotiate('application/json;as=Table;v=v2;g=meta.k8s.io', builtin)).toBeUndefined()
    expect(negotiate('application/json;as=Deployment;v=v1;g=apps', builtin)).toBeUndefined()
  })

  it('checks stream and server-version parameters', () => {
    expect(negotiate(`${PB};stream=watch`, builtin)?.media).toBe('protobuf')
    expect(negotiate('application/yaml;stream=watch', builtin)).toBeUndefined()
    expect(negotiate('application/json;stream=other', builtin)).toBeUndefined()
    expect(negotiate('application/json;sv=v1', builtin)?.media).toBe('json')
    expect(negotiate('application/json;sv=v1', errors)).toBeUndefined()
  })
})

describe('negotiateResource', () => {
  it('is a 406 listing the served types, or the streaming ones for a watch', () => {
    expect(() => negotiateResource('text/html', { custom: false, watch: false })).toThrow('only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf')
    expect(() => negotiateResource('application/yaml', { custom: false, watch: true })).toThrow('only the following media types are accepted: application/json;stream=watch, application/vnd.kubernetes.protobuf;stream=watch')
    expect(negotiateResource(`${PB}, */*`, { custom: false, watch: true }).media).toBe('protobuf')
  })
})

describe('parseAccept past 12 clauses', () => {
  it('orders clauses as insertion does wherever the comparison ranks them, on random headers', () => {
    // goautoneg's comparison ranks concrete media ranges by q alone: there any stable sort is the
    // insertion sort Go uses for 12 clauses or fewer.
    const insertion = (header: string): string[] => {
      const clauses = header.split(',').map((c, i) => ({ c, q: Number(/q=([0-9.]+)/.exec(c)?.[1] ?? '1'), i }))
      for (let i = 1; i < clauses.length; i++) {
        for (let j = i; j > 0 && (clauses[j]?.q ?? 0) > (clauses[j - 1]?.q ?? 0); j--) [clauses[j - 1], clauses[j]] = [clauses[j]!, clauses[j - 1]!]
      }
      return clauses.map(({ c }) => c.replace(/;q=.*/, ''))
    }
    let seed = 11
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed % n
    }
    for (let n = 0; n < 300; n++) {
      const header = Array.from({ length: 13 + next(40) }, (_, i) => `t${i}/s;q=0.${next(4)}`).join(',')
      expect(parseAccept(header).map((c) => `${c.type}/${c.subtype}`), header).toEqual(insertion(header))
    }
  })
})

