// The gitops command's stdout and stderr, created when first written. process.stdout and
// process.stderr are Node streams: the first use of either loads Node's stream modules (and
// net's for a pipe), a few milliseconds that `gitops build | kubectl apply -f -` would pay on
// every run. Output to a regular file is written with fs.writeSync instead, synchronously and in
// order, as process.stdout writes a file. So is output to a pipe, and for the commands that ask
// (`build` and `template`, bin.ts) to a socket: a socket is what a parent that spawns with
// `stdio: 'pipe'` gives (Node's child_process, and with it every Node-driven tool and benchmark),
// and through process.stdout it would also load net, and write a large output from the event loop.
// Everything else (a terminal, /dev/null) and every case the direct write cannot handle (a full
// pipe written without a guard, below, or a non-blocking socket: EAGAIN) goes to the Node stream,
// as before. A reader gone (EPIPE), on either path, ends the command quietly with 141, as SIGPIPE
// ends the Go tools.
//
// Signals: a blocking write to a pipe or socket whose reader pauses waits in the kernel, where
// the command's SIGINT/SIGTERM listeners (bin.ts) cannot run: the signal would wait for the
// reader. A command that writes its output last, in one piece (build, template), passes a guard
// that takes the listeners away for the time of each such write, so that a signal arriving while
// it waits ends the process at once by the signal's default action, which is what the listeners
// end in too once nothing is left to clean up. Every other command writes a pipe through a
// non-blocking descriptor of its own (the write end reopened from /proc/self/fd/1), and once that
// is full the rest goes to process.stdout, from the event loop, where the listeners run; it writes
// a socket through process.stdout.
import { closeSync, constants, fstatSync, openSync, writeSync } from 'node:fs'
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
 * process.stderr for a command that passes a guard (build, template): written directly, as
 * {@link directStdout} writes fd 1, when fd 2 is a regular file, a pipe or a socket, the guard
 * around each write. A warning (kustomize's deprecation notes) on a pipe would otherwise create
 * process.stderr and load Node's stream and net modules, whose cached code V8 rejects once bin.ts
 * has set its flags: about 4 ms of the main thread for a build that warns. Without a guard, to a
 * terminal, and from the first direct write that fails (EAGAIN, a reader gone, any error) on,
 * process.stderr, as {@link lazyStderr}.
 */
export function directStderr(guard?: BlockingWriteGuard): ProcessOutput {
  if (guard === undefined) return lazyStderr()
  return directOutput({
    fd: 2,
    choose: () => {
      const st = fstatSync(2)
      return st.isFile() || st.isFIFO() || st.isSocket() ? { fd: 2, guard } : false
    },
    stream: () => process.stderr,
    isTTY: () => process.stderr.isTTY,
    // A reader of stderr gone is not the end of the command (the output may still be read): the
    // failed write and the rest go to process.stderr, as every other failure does.
    failed: () => undefined,
  })
}

/**
 * What a command that writes its output last, in one piece, runs around each write that may block
 * (to a socket or a pipe): `before` takes its signal listeners away so that a signal arriving
 * while the write waits for the reader ends the process by the signal's default action, `after`
 * puts them back.
 */
export interface BlockingWriteGuard {
  /** Runs before a write that may block. */
  before(): void
  /** Runs after it, whether it succeeded or threw. */
  after(): void
}

/** Where the direct path writes: fd 1 itself, or a non-blocking descriptor of the same pipe. */
interface DirectTarget {
  readonly fd: number
  readonly guard?: BlockingWriteGuard | undefined
}

/**
 * The write end of the pipe on fd 1, reopened non-blocking: a file description of its own, so
 * that fd 1's (shared with the shell and the other processes of a pipeline) stays as it is.
 * Undefined where that cannot be done (no /proc; no reader left: ENXIO).
 */
function nonBlockingPipe(): number | undefined {
  try {
    return openSync('/proc/self/fd/1', constants.O_WRONLY | constants.O_NONBLOCK)
  } catch {
    return undefined
  }
}

/**
 * The reader of stdout is gone (EPIPE: `gitops build | head`): the command ends at once and
 * quietly with 141, the status a shell reports for a process that SIGPIPE ended, as kubectl,
 * kustomize and git end there. Node ignores SIGPIPE, so the failed write would otherwise end the
 * command with an unhandled `write EPIPE` and its stack trace.
 */
function readerGone(): never {
  process.exit(141)
}

/** Whether process.stdout's errors are watched for {@link readerGone} (once per process). */
let watchingStream = false

/** process.stdout, its EPIPE watched: the stream reports a reader gone as an 'error' event. */
function stdoutStream(): NodeJS.WriteStream {
  if (!watchingStream) {
    watchingStream = true
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') readerGone()
      // Any other error stays what it was without a listener: uncaught.
      throw err
    })
  }
  return process.stdout
}

/** Closes the reopened descriptor once the direct path is left; fd 1 stays open for process.stdout. */
function closeQuietly(fd: number): void {
  try {
    closeSync(fd)
  } catch {
    // Already gone: nothing held.
  }
}

/**
 * process.stdout, written directly when fd 1 is a regular file, a pipe or, given a `guard`, a
 * socket: with a guard, fd 1 itself, the guard around each write to a pipe or socket; without,
 * a pipe through a non-blocking descriptor of its own (above). After the first write the direct
 * path cannot take (a full pipe without a guard, or a socket set non-blocking by a process that
 * shares it: EAGAIN), this and every later write go to process.stdout, so order is kept and errors
 * surface exactly as they did; a reader gone (EPIPE) ends the command ({@link readerGone}).
 */
export function directStdout(guard?: BlockingWriteGuard): ProcessOutput {
  return directOutput({
    fd: 1,
    choose: () => {
      const st = fstatSync(1)
      if (st.isFile()) return { fd: 1 }
      if (st.isFIFO()) {
        if (guard !== undefined) return { fd: 1, guard }
        // Without a guard, a pipe is written only through a non-blocking descriptor of its own.
        const fd = nonBlockingPipe()
        return fd !== undefined ? { fd } : false
      }
      return st.isSocket() && guard !== undefined ? { fd: 1, guard } : false
    },
    stream: stdoutStream,
    isTTY: () => process.stdout.isTTY,
    failed: (err) => {
      if ((err as NodeJS.ErrnoException).code === 'EPIPE') readerGone()
    },
  })
}

/** What {@link directOutput} needs to know of one of the process's outputs. */
interface DirectOutputParts {
  /** The output's own descriptor (1 or 2); a direct target on another one is closed when left. */
  readonly fd: number
  /** Where direct writes go, asked at first use (a throw means none); false: the Node stream. */
  readonly choose: () => DirectTarget | false
  /** The Node stream, for everything the direct path does not take. */
  readonly stream: () => NodeJS.WriteStream
  /** Whether the Node stream is a terminal (asked only when the direct path is not taken). */
  readonly isTTY: () => boolean | undefined
  /**
   * What a direct write that threw does before its rest goes to the stream: stdout ends the
   * command when its reader is gone (EPIPE), stderr goes on.
   */
  readonly failed: (err: unknown) => void
}

/**
 * An output written with writeSync to the target `parts.choose()` names, each write whole and in
 * order, the target's guard around it; from the first write the direct path cannot finish on (any
 * error), that write's rest and every later one go to the Node stream, so order is kept.
 */
function directOutput(parts: DirectOutputParts): ProcessOutput {
  let direct: DirectTarget | false | undefined
  let streamed = false
  const target = (): DirectTarget | false => {
    if (direct === undefined) {
      try {
        direct = parts.choose()
      } catch {
        direct = false
      }
    }
    return direct
  }
  return {
    get isTTY() {
      return target() !== false ? false : parts.isTTY()
    },
    get streamed() {
      return streamed
    },
    write(chunk: string | Uint8Array) {
      const to = target()
      if (to === false) {
        streamed = true
        return parts.stream().write(chunk)
      }
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      let offset = 0
      to.guard?.before()
      try {
        while (offset < bytes.length) offset += writeSync(to.fd, bytes, offset, bytes.length - offset)
        return true
      } catch (err) {
        parts.failed(err)
        direct = false
        streamed = true
        if (to.fd !== parts.fd) closeQuietly(to.fd)
        return parts.stream().write(bytes.subarray(offset))
      } finally {
        to.guard?.after()
      }
    },
  }
}
