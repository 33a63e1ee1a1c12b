/** Delays that double from `initial` to `max`, each with up to `jitter` of itself added (wait.Backoff of apimachinery). */
export class Backoff {
  #attempt = 0
  readonly #initial: number
  readonly #max: number
  readonly #jitter: number
  readonly #random: () => number

  constructor(settings: { readonly initial: number; readonly max: number; readonly jitter: number; readonly random?: (() => number) | undefined }) {
    this.#initial = settings.initial
    this.#max = settings.max
    this.#jitter = settings.jitter
    this.#random = settings.random ?? Math.random
  }

  /** The next delay in ms. */
  next(): number {
    const base = Math.min(this.#initial * 2 ** this.#attempt, this.#max)
    this.#attempt = Math.min(this.#attempt + 1, 62)
    return Math.round(base * (1 + this.#jitter * this.#random()))
  }

  /** Starts again from `initial`, after a success. */
  reset(): void {
    this.#attempt = 0
  }
}
