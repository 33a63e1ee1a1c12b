// The two ways a received pack is refused: not a valid pack, or too large.

/** The pack bytes are not a valid pack. */
export class CorruptPackError extends Error {
  override readonly name = 'CorruptPackError'
}

/** The pack grew past {@link IndexPackOptions.maxBytes}, or an object past `maxObjectBytes`. */
export class PackTooLargeError extends Error {
  override readonly name = 'PackTooLargeError'
  /** The size that was refused (declared by an entry or delta header, or received). */
  readonly size: number
  readonly limit: number

  constructor(message: string, sizes: { readonly size: number; readonly limit: number }) {
    super(message)
    this.size = sizes.size
    this.limit = sizes.limit
  }
}
