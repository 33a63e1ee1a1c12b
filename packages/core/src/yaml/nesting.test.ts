import { describe, expect, it } from 'vitest'
import { isGitOpsError } from '../errors.js'
import { measuredTokens } from './nesting.js'

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
