// How the CLI talks to a terminal: colour only on a TTY and never with NO_COLOR set; progress as
// one rewritten line with a bar on a TTY, plain lines otherwise. Everything goes to stderr.
import type { CliIO } from './context.js'

/** Whether to colour output written to `stream`. */
export function useColor(io: CliIO, stream: 'stdout' | 'stderr' = 'stdout'): boolean {
  const noColor = io.env.NO_COLOR
  if (noColor !== undefined && noColor !== '') return false
  return io[stream].isTTY === true && io.env.TERM !== 'dumb'
}

/** Shows progress on stderr. */
export interface Progress {
  /** A step with a known or unknown total; repeated calls update the same step. */
  update(label: string, done: number, total?: number  ): void
  /** A line that stays (on a TTY it replaces the bar). */
  line(message: string): void
  /** Clears the bar. */
  end(): void
}

/** A progress reporter: a bar on a TTY, one plain line per step otherwise. */
export function createProgress(io: CliIO): Progress {
  const tty = io.stderr.isTTY === true
  let shown = ''
  let lastLabel = ''
  const clear = (): void => {
    if (shown !== '') io.stderr.write(`\r${' '.repeat(shown.length)}\r`)
    shown = ''
  }
  return {
    update(label, done, total) {
      if (!tty) {
        if (label !== lastLabel) io.stderr.write(`${label}\n`)
        lastLabel = label
        return
      }
      const width = 24
      const bar =
        total === undefined || total <= 0
          ? ''
          : ` [${'#'.repeat(Math.round((Math.min(done, total) / total) * width)).padEnd(width, '.')}] ${done}/${total}`
      clear()
      shown = `${label}${bar}`.slice(0, 100)
      io.stderr.write(shown)
    },
    line(message) {
      clear()
      io.stderr.write(`${message}\n`)
    },
    end() {
      clear()
    },
  }
}
