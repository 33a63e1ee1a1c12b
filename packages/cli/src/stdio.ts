// The gitops command's stdout and stderr, created when first written. process.stdout and
// process.stderr are Node streams: the first use of either loads Node's stream modules (and
// net's for a pipe), a few milliseconds that `gitops build | kubectl apply -f -` would pay on
// every run. Output to a pipe, a socket or a regular file is written with fs.writeSync instead,
// synchronously and in order, as process.stdout writes a pipe or a file on Linux. A socket is what
// a parent that spawns with `stdio: 'pipe'` gives (Node's child_process, and with it every
// Node-driven tool and benchmark): through process.stdout it would also load net, and write a
// large output from the event loop. Everything else (a terminal, /dev/null) and every case the
// direct write cannot handle (a non-blocking socket or pipe: EAGAIN) goes to the Node stream, as
// before.
import { fstatSync, writeSync } from 'node:fs'
import type { OutputStream } from './context.js'

/** An output of the process that tells whether anything went through a Node stream. */
export interface ProcessOutput extends OutputStream {
  /**
   * Whether a write went to the Node stream (process.stdout or process.stderr), which may still
   * hold it when the command ends; false while every write went straight to the file descriptor.
   */
  readonly streamed: boolean
}

/** A lazy process.stderr: the stream is created only when something is written. */
export function lazyStderr(): ProcessOutput {
  let streamed = false
  return {
    get isTTY() {
      return process.stderr.isTTY
    },
    get streamed() {
      return streamed
    },
    write: (chunk: string) => {
      streamed = true
      return process.stderr.write(chunk)
    },
  }
}

/**
 * process.stdout, written directly to file descriptor 1 when that is a pipe, a socket or a regular
 * file. After the first write the direct path cannot take (a pipe or socket set non-blocking by a
 * process that shares it: EAGAIN; a reader gone: EPIPE), this and every later write go to process.stdout,
 * so order is kept and errors surface exactly as they did.
 */
export function directStdout(): ProcessOutput {
  let direct: boolean | undefined
  let streamed = false
  const isDirect = (): boolean => {
    if (direct === undefined) {
      try {
        const st = fstatSync(1)
        direct = st.isFIFO() || st.isFile() || st.isSocket()
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
    get streamed() {
      return streamed
    },
    write(chunk: string | Uint8Array) {
      if (!isDirect()) {
        streamed = true
        return process.stdout.write(chunk)
      }
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      let offset = 0
      try {
        while (offset < bytes.length) offset += writeSync(1, bytes, offset, bytes.length - offset)
        return true
      } catch {
        direct = false
        streamed = true
        return process.stdout.write(bytes.subarray(offset))
      }
    },
  }
}
