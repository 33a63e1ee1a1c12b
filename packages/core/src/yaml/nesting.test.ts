import { describe, expect, it } from 'vitest'
import { isGitOpsError } from '../errors.js'
import { measuredTokens, tooDeepToParse } from './nesting.js'

/** Reads every token of `text`, with `onNewLine` as the parser's line callback. */
function readAll(text: string, onNewLine: (offset: number) => void): void {
  const tokens = measuredTokens(text, { source: 'in.yaml', limit: 1000, onNewLine })
  while (tokens.next().done !== true) {
    // Each document is measured as it is handed on.
  }
}

/** A line callback that overflows, as the stack would, once `after` lines have started. */
function overflowAfter(after: number): (offset: number) => void {
  let lines = 0
  return () => {
    if (++lines > after) throw new RangeError('Maximum call stack size exceeded')
  }
}

describe('measuredTokens', () => {
  it('lets a stack overflow while reading a shallow text go on as the caller\'s RangeError, not as too deep', () => {
    // A shallow text read near the end of the caller's stack is not too deep.
    let thrown: unknown
    try {
      readAll('a: 1\nb: [x]\nc: 3\n', overflowAfter(2))
    } catch (err) {
      thrown = err
    }
    expect(thrown).toBeInstanceOf(RangeError)
    expect(isGitOpsError(thrown)).toBe(false)
  })

  it('refuses as too deep, naming the line, a stack overflow while more collections are open than the composer builds', () => {
    // 600 entries on line 3 hold 600 collections open: an overflow on the next line is too deep.
    const text = `x: 1\ny:\n${'- '.repeat(600)}\nz: 1\n`
    expect(() => readAll(text, overflowAfter(3))).toThrow(expect.objectContaining({ code: 'CORE_YAML_TOO_DEEP', message: 'in.yaml: line 3: nested too deeply to parse' }))
  })
})

describe('tooDeepToParse', () => {
  it.each([
    { name: 'the first line', text: '[[[\n', at: 2, line: 1 },
    { name: 'a line break itself', text: 'a:\n  b: [\n', at: 2, line: 1 },
    { name: 'the start of a line', text: 'a:\n  b: [\n', at: 3, line: 2 },
    { name: 'CRLF lines (LF counts)', text: 'a:\r\nb:\r\n  - [[\r\n', at: 12, line: 3 },
    { name: 'the end of the text', text: 'a\nb\n', at: 4, line: 3 },
  ])('names the line of the offset, counting LF as the yaml package does: $name', ({ text, at, line }) => {
    // The composer's overflow (parseMeasuredYaml) counted the line with a split; the answer is the same.
    expect(text.slice(0, at).split('\n').length).toBe(line)
    const cause = new RangeError('Maximum call stack size exceeded')
    expect(tooDeepToParse({ text, source: 'in.yaml' }, at, cause)).toMatchObject({
      code: 'CORE_YAML_TOO_DEEP',
      message: `in.yaml: line ${line}: nested too deeply to parse`,
      details: { source: 'in.yaml', line },
      cause,
    })
  })
})

