// The token stream of Go's text/template parser (text/template/parse/parse.go): one-item lookahead
// over the lexer's items, skipping spaces, and Go's "unexpected X in Y" errors with the line.
import { type Item, type ItemType, itemString } from './lex.js'
import { SyntaxError, unquote } from './literals.js'
import type { TreeSource } from './nodes.js'

/** A parse failure, with Go's message. */
export class ParseError extends Error {}

/** Reads the items of one template text, remembering the line of the last and of the open action. */
export abstract class TokenReader {
  protected i = 0
  protected actionLine = 0
  protected lastLine = 1

  constructor(
    protected readonly src: TreeSource,
    protected readonly items: Item[],
  ) {}


  // The lexer always ends the items with EOF or an error, which reading past the end repeats.
  protected next(): Item {
    const items = this.items
    const last = items.length - 1
    const i = this.i
    const item = items[i < last ? i : last] as Item
    this.i = i < last ? i + 1 : items.length
    this.lastLine = item.line
    return item
  }
  protected backup(): void {
    this.i--
  }
  protected peek(): Item {
    const items = this.items
    const last = items.length - 1
    return items[this.i < last ? this.i : last] as Item
  }
  protected nextNonSpace(): Item {
    let t = this.next()
    while (t.typ === 'space') t = this.next()
    return t
  }
  protected peekNonSpace(): Item {
    const t = this.nextNonSpace()
    this.backup()
    return t
  }
  protected expect(typ: ItemType, context: string): Item {
    const t = this.nextNonSpace()
    if (t.typ !== typ) this.unexpected(t, context)
    return t
  }

  protected errorf(message: string): never {
    throw new ParseError(`template: ${this.src.parseName}:${this.lastLine}: ${message}`)
  }

  protected unexpected(token: Item, context: string): never {
    if (token.typ === 'error') {
      let extra = ''
      if (this.actionLine !== 0 && this.actionLine !== token.line) {
        extra = ` in action started at ${this.src.parseName}:${this.actionLine}`
        if (token.val.endsWith(' action')) extra = extra.slice(' in action'.length)
      }
      this.errorf(`${itemString(token)}${extra}`)
    }
    this.errorf(`unexpected ${itemString(token)} in ${context}`)
  }

  protected unquote(text: string): string {
    try {
      return unquote(text)
    } catch (err) {
      if (err instanceof SyntaxError) this.errorf(err.message)
      throw err
    }
  }
}
