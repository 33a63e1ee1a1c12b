// JSON read with its objects' keys in the order the text writes them. JSON.parse's objects list
// integer-like keys first (`"10"` before `"a"`), where Go's decoder reads a document left to right;
// a walk that must name the first error Go meets reads the text again with this parser. Objects are
// Maps (which keep insertion order for every key, and have no prototype to pollute).

/** A JSON value whose objects are Maps in document order. */
export type OrderedValue = string | number | boolean | null | OrderedValue[] | OrderedObject

/** A JSON object, its keys in document order (a repeated key keeps its first place and last value). */
export type OrderedObject = Map<string, OrderedValue>

/** A container being filled, and the key its next value goes under. */
interface Open {
  readonly value: OrderedValue[] | OrderedObject
  key: string | undefined
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d

/** The end of the JSON string starting at `start` (its opening quote), past its closing quote. */
export function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x5c) i++
    else if (c === 0x22) return i + 1
  }
  throw new SyntaxError('unterminated string')
}

/** The end of the number or literal starting at `start`. */
export function scalarEnd(text: string, start: number): number {
  let i = start
  while (i < text.length) {
    const c = text.charCodeAt(i)
    if (c === 0x2c || c === 0x5d || c === 0x7d || c === 0x3a || isSpace(c)) break
    i++
  }
  return i
}

/**
 * `text` (JSON) with its objects as Maps in document order; throws SyntaxError when it is no JSON
 * (callers parse it with JSON.parse first, so that does not happen in practice). Without recursion.
 */
export function parseOrdered(text: string): OrderedValue {
  const stack: Open[] = []
  // The top-level value, once read (an object: the closure below sets it).
  const top: { value?: OrderedValue } = {}
  const put = (value: OrderedValue): void => {
    const open = stack[stack.length - 1]
    if (open === undefined) {
      if ('value' in top) throw new SyntaxError('more than one value')
      top.value = value
    } else if (Array.isArray(open.value)) open.value.push(value)
    else {
      if (open.key === undefined) throw new SyntaxError('a value without a key')
      open.value.set(open.key, value)
      open.key = undefined
    }
  }
  let i = 0
  while (i < text.length) {
    const c = text.charCodeAt(i)
    if (isSpace(c) || c === 0x2c) {
      i++
      continue
    }
    if (c === 0x7b || c === 0x5b) {
      const value: OrderedValue[] | OrderedObject = c === 0x7b ? new Map() : []
      put(value)
      stack.push({ value, key: undefined })
      i++
    } else if (c === 0x7d || c === 0x5d) {
      if (stack.pop() === undefined) throw new SyntaxError('unbalanced brackets')
      i++
    } else if (c === 0x22) {
      const end = stringEnd(text, i)
      const s = JSON.parse(text.slice(i, end)) as string
      i = end
      const open = stack[stack.length - 1]
      let j = i
      while (j < text.length && isSpace(text.charCodeAt(j))) j++
      if (open !== undefined && !Array.isArray(open.value) && open.key === undefined && text.charCodeAt(j) === 0x3a) {
        open.key = s
        i = j + 1
      } else put(s)
    } else {
      const end = scalarEnd(text, i)
      put(JSON.parse(text.slice(i, end)) as OrderedValue)
      i = end
    }
  }
  if (top.value === undefined || stack.length > 0) throw new SyntaxError('incomplete JSON')
  return top.value
}
