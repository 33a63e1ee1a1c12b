import { describe, expect, it } from 'vitest'
import { oneLine } from './oneLine.js'

describe('oneLine', () => {
  it.each([
    { name: 'a message with line breaks', text: 'denied:\n  replicas must be odd\n', expected: 'denied: replicas must be odd' },
    { name: 'CRLF and tabs around the break', text: 'a \t\r\n\t b', expected: 'a b' },
    { name: 'spaces without a break stay', text: '  a   b  ', expected: 'a   b' },
    { name: 'several breaks in one run', text: 'a\n\n\nb', expected: 'a b' },
    { name: 'nothing', text: '', expected: '' },
  ])('folds $name', ({ text, expected }) => {
    expect(oneLine(text)).toBe(expected)
  })
})
