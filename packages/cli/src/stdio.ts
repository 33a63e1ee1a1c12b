// The gitops command's stdout and stderr, created when first written. process.stdout and
// process.stderr are Node streams: the first use of either loads Node's stream modules (and
// net's for a pipe), a few milliseconds that `gitops build | kubectl apply -f -` would pay on
// every run. Output to a pipe or a regular file is written with fs.writeSync instead, which is
// what process.stdout does there on Linux too (synchronously, in order); everything else (a
// terminal, /dev/null, a socket) and every case the direct write cannot handle goes to the Node
// stream, as before.
import { fstatSync, writeSync } from 'node:fs'
import type { OutputStream } from './context.js'

/** A lazy process.stderr: the stream is created only when something is written. */
export function lazyStderr(): OutputStream {
  return {
    get isTTY() {
      return process.stderr.isTTY
    },
    write: (chunk: string) => process.stderr.write(chunk),
  }
}

/**
 * process.stdout, written directly to file descriptor 1 when that is a pipe or a regular file.
 * After the first write the direct path cannot take (a pipe set non-blocking by another process
 * that shares it: EAGAIN; a reader gone: EPIPE), this and every later write go to process.stdout,
 * so order is kept and errors surface exactly as they did.
 */
export function directStdout(): OutputStream {
  let direct: boolean | undefined
  const isDirect = (): boolean => {
    if (direct === undefined) {
      try {
        const st = fstatSync(1)
        direct = st.isFIFO() || st.isFile()
      } catch {
        direct = false
      }
    }
    return direct
  }
  return {
    get isTTY() {
      return isDirect() ? false : process.stdout.isTTY
    },
    write(chunk: string | Uint8Array) {
      if (!isDirect()) return process.stdout.write(chunk)
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      let offset = 0
      try {
        while (offset < bytes.length) offset += writeSync(1, bytes, offset, bytes.length - offset)
        return true
      } catch {
        direct = false
        return process.stdout.write(bytes.subarray(offset))
      }
    },
  }
}
