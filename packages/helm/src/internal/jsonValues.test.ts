import { describe, expect, it } from 'vitest'
import { prng } from '../../../../testing/prng.js'
import { jsonValues } from './jsonValues.js'
import { parseYamlValue, parseYamlValueFull } from './yamlValues.js'

// What parseYamlValue gives a plain number token (the resolver jsonValues is handed there).
const scalar = (token: string) => parseYamlValueFull(token, 't')

describe('jsonValues', () => {
  it('reads compact JSON as the full parse reads it', () => {
    const texts = [
      '{"replicaCount":1,"image":{"tag":"6.0.0"},"autoscaling":{"enabled":false},"ingress":{"enabled":true},"config":{"index":"0"}}',
      '{"a":[1,2.5,-3,0,-0,0.10,true,false,null,"",[],{}],"b":{"c":{"d":"{{ .Release.Name }}"}},"1":"one","true":"x","dup":1,"dup":2}',
      '{"n":123456789012345,"f":3.141592653589793,"s":"yes","t":"~","u":"héllo ✓"}\n',
      '[{"a":1},"b",[]]',
      '{}',
      '[]',
    ]
    for (const text of texts) {
      const got = jsonValues(text, scalar)
      expect(got, text).toBeDefined()
      expect(got, text).toEqual(parseYamlValueFull(text, 't'))
      expect(parseYamlValue(text, 't'), text).toEqual(parseYamlValueFull(text, 't'))
    }
  })

  it('leaves to the full parse what it is not sure of', () => {
    const texts = [
      '{"a": 1}',
      '{"a":"x\\ny"}',
      '{"a":"\\u00e9"}',
      '{"a":1e+21}',
      '{"a":1E5}',
      '{"<<":{"b":1}}',
      '{"a":tru}',
      '{"a":01}',
      '{"a":"x\ty"}',
      '{"a":1',
      '{"a":1}}',
      '{"a":1},',
      'a: 1',
      '',
      `${'['.repeat(200)}${']'.repeat(200)}`,
    ]
    for (const text of texts) expect(jsonValues(text, scalar), text).toBeUndefined()
  })

  it('agrees with the full parse on seeded objects (seed printed on failure)', () => {
    const words = ['a', 'b', 'on', 'yes', '1', '1.0', '0x1F', '2001-12-14', '', ' x ', '-', '{{ .Values.a }}', 'é']
    for (let seed = 1; seed <= 300; seed++) {
      const next = prng(seed)
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T
      const gen = (depth: number): unknown => {
        const r = next()
        if (depth > 3 || r < 0.3) return pick([1, 0, -7, 2.5, 999999999999999, 123456789.125, true, false, null, ...words])
        if (r < 0.65) {
          const o: Record<string, unknown> = {}
          for (let k = Math.floor(next() * 4); k > 0; k--) o[pick(words)] = gen(depth + 1)
          return o
        }
        return Array.from({ length: Math.floor(next() * 4) }, () => gen(depth + 1))
      }
      const text = JSON.stringify({ root: gen(0), other: gen(0) })
      const got = jsonValues(text, scalar)
      expect(got, `seed ${seed}: ${text}`).toBeDefined()
      expect(got, `seed ${seed}: ${text}`).toEqual(parseYamlValueFull(text, 't'))
    }
  })
})
