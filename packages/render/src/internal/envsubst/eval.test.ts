import { describe, expect, it } from 'vitest'
import { envsubst, globMatch } from './eval.js'

const vars: Record<string, string> = {
  name: 'abcdEFGH28ij',
  upper: 'ABCDEF',
  path: '/home/bozo/ideas/thoughts.for.today',
  file: 'bash.string.txt',
  z: 'abcABC123ABCabc',
  empty: '',
}
const lax = (text: string): string => envsubst(text, (n) => vars[n] ?? '')
const strict = (text: string): string => envsubst(text, (n) => vars[n])

describe('envsubst', () => {
  it.each([
    ['plain text', 'no variables here', 'no variables here'],
    ['a variable', 'x-${name}-y', 'x-abcdEFGH28ij-y'],
    ['$var without braces, left alone', '$name', '$name'],
    ['$$ as an escape', 'cost: $${name} $$5', 'cost: ${name} $5'],
    ['length', '${#name}', '12'],
    ['upper first and all', '${name^} ${name^^}', 'AbcdEFGH28ij ABCDEFGH28IJ'],
    ['lower first and all', '${upper,} ${upper,,}', 'aBCDEF abcdef'],
    ['offset', '${path:11}', 'ideas/thoughts.for.today'],
    ['offset and length', '${path:11:5}', 'ideas'],
    ['an offset it cannot read (as Flux: the value unchanged)', '${name: -4}', 'abcdEFGH28ij'],
    [':= default when unset', '${missing:=xyz}', 'xyz'],
    [':- default when empty', '${empty:-d}', 'd'],
    ['= keeps a set value', '${name=xyz}', 'abcdEFGH28ij'],
    ['a default made of a variable', '${missing=${upper,,}-suffix}', 'abcdef-suffix'],
    ['replace first and all', '${z/abc/xyz} ${z//abc/xyz}', 'xyzABC123ABCabc xyzABC123ABCxyz'],
    ['replace prefix and suffix', '${z/#abc/XYZ} ${z/%abc/XYZ}', 'XYZABC123ABCabc abcABC123ABCXYZ'],
    ['strip shortest and longest prefix', '${file#*.} ${file##*.}', 'string.txt txt'],
    ['strip shortest and longest suffix', '${file%.*} ${file%%.*}', 'bash.string bash'],
  ])('expands %s', (_name, text, want) => {
    expect(lax(text)).toBe(want)
  })

  it('expands an unset variable to nothing unless strict', () => {
    expect(lax('[${missing}]')).toBe('[]')
    expect(() => strict('[${missing}]')).toThrow('variable not set (strict mode): "missing"')
    expect(strict('[${missing:=ok}]')).toBe('[ok]')
  })

  it('refuses a bad expression', () => {
    expect(() => lax('${name')).toThrow()
    expect(() => lax('${}')).toThrow('unable to parse variable name')
  })

  it('matches globs as Go path.Match does', () => {
    expect(globMatch('*.txt', 'a.txt')).toBe(true)
    expect(globMatch('*', 'a/b')).toBe(false)
    expect(globMatch('a?c', 'abc')).toBe(true)
    expect(globMatch('[a-c]x', 'bx')).toBe(true)
    expect(globMatch('[', 'x')).toBeUndefined()
  })
})
