// Keeps credentials out of everything the CLI prints: URL userinfo and token-like query values are
// masked wherever a URL is shown, and the secrets the command line points at (passwords and tokens
// of --password-env/--token-env, userinfo and tokens of URLs given as arguments) are replaced in
// every line written to stdout and stderr, whatever produced it (an error of a library included).
import { replaceUrls } from '@gitops-sdk/core/light'
import type { OutputStream } from './context.js'

const MASK = '***'

// Query parameters that carry credentials in the URLs of git hosts and object stores
// (access_token, private_token, X-Amz-Signature, sig, ...).
const SECRET_PARAM = /token|password|passwd|pwd|secret|signature|^sig$|credential|^auth|api[-_]?key|^key$/i

/**
 * Masks the credentials of one URL: the password (the user name too when it stands alone, as a
 * token often does: `https://TOKEN@host`) and query values whose names say they are secrets.
 * Text that is not an absolute URL is returned as it was.
 */
export function redactUrl(text: string): string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return text
  }
  let changed = false
  if (url.password !== '') {
    url.password = MASK
    changed = true
  } else if (url.username !== '') {
    url.username = MASK
    changed = true
  }
  for (const name of [...url.searchParams.keys()]) {
    if (SECRET_PARAM.test(name)) {
      url.searchParams.set(name, MASK)
      changed = true
    }
  }
  if (!changed) return text
  const shown = url.toString().replaceAll('%2A%2A%2A', MASK)
  // URL adds a '/' to a bare host; keep the text as the user wrote it.
  return shown.endsWith('/') && !text.endsWith('/') && url.search === '' && url.hash === '' ? shown.slice(0, -1) : shown
}

/** What ends a URL found in text: white space, a quote, `<`, `>` or a backtick. */
const URL_END = /[\s'"<>`]/g

/** `[.,;:)\]}]`: punctuation that ends a sentence or a bracket rather than a URL. */
function isClosing(c: number): boolean {
  return c === 0x2e || c === 0x2c || c === 0x3b || c === 0x3a || c === 0x29 || c === 0x5d || c === 0x7d
}

/**
 * Masks the credentials of every URL found in `text`. The URLs are those that
 * `/\b[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\s'"<>`]+/g` finds, found in one pass by core's replaceUrls
 * (that pattern tried each start of a long run of scheme characters, `a-a-a-…`, and read the run to
 * its end); the closing punctuation is cut without `/[.,;:)\]}]+$/`, which tried each character of
 * a run of it.
 */
export function redactUrls(text: string): string {
  return replaceUrls(text, { stop: URL_END, wordBoundary: true }, ({ start, separator, end }) => {
    if (end === separator + 3) return undefined
    // A URL quoted at the end of a sentence keeps its closing punctuation outside.
    let cut = end
    while (cut > start && isClosing(text.charCodeAt(cut - 1))) cut--
    return { until: end, text: redactUrl(text.slice(start, cut)) + text.slice(cut, end) }
  })
}

function secretsOfUrl(text: string, into: Set<string>): void {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return
  }
  const add = (value: string): void => {
    if (value === '') return
    into.add(value)
    try {
      into.add(decodeURIComponent(value))
    } catch {
      // A malformed escape: the raw form is masked already.
    }
  }
  if (url.password !== '') add(url.password)
  // A user name alone is a token when it is long (`https://ghp_…@github.com`); a short one is a
  // plain user (`ssh://git@host`) that must not be masked in every line that says "gitops".
  else if (url.username.length >= 16) add(url.username)
  for (const [name, value] of url.searchParams) if (SECRET_PARAM.test(name)) add(value)
}

// Flags whose value names an environment variable holding a secret.
const SECRET_ENV_FLAGS = ['--password-env', '--token-env']

/**
 * The secret strings a command line refers to: the values of the variables that `--password-env`
 * and `--token-env` name, and the credentials inside URL arguments. Strings shorter than three
 * characters are left out: replacing them everywhere would garble the output and hide nothing.
 */
export function secretsOf(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): string[] {
  const found = new Set<string>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    for (const flag of SECRET_ENV_FLAGS) {
      const variable = arg === flag ? argv[i + 1] : arg.startsWith(`${flag}=`) ? arg.slice(flag.length + 1) : undefined
      const value = variable === undefined ? undefined : env[variable]
      if (value !== undefined && value !== '') found.add(value)
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1
    secretsOfUrl(eq < 0 ? arg : arg.slice(eq + 1), found)
  }
  return [...found].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length)
}

/** Masks `secrets` and URL credentials in one piece of text. */
export function maskText(text: string, secrets: readonly string[], urls = true): string {
  let out = urls ? redactUrls(text) : text
  for (const secret of secrets) if (out.includes(secret)) out = out.replaceAll(secret, MASK)
  return out
}

/** Masks every string inside plain data (a status, a result) with {@link maskText}. */
export function maskData<T>(value: T, secrets: readonly string[]): T {
  if (typeof value === 'string') return maskText(value, secrets) as T
  if (Array.isArray(value)) return value.map((v: unknown) => maskData(v, secrets)) as T
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) Object.defineProperty(out, k, { value: maskData(v, secrets), enumerable: true, writable: true, configurable: true })
    return out as T
  }
  return value
}

/**
 * A stream that masks before writing. `urls` also masks the credentials of any URL in the text:
 * right for stderr; stdout keeps the data it prints (a rendered ConfigMap may hold a URL that is
 * the user's business) and is masked only for the secrets of the command line.
 */
export function maskingStream(stream: OutputStream, secrets: readonly string[], urls: boolean): OutputStream {
  return {
    get isTTY() {
      return stream.isTTY
    },
    write(chunk: string | Uint8Array) {
      // Binary output (a decrypted binary file) is passed through untouched: it is the product.
      if (typeof chunk !== 'string') return (stream as unknown as { write(c: Uint8Array): unknown }).write(chunk)
      return stream.write(maskText(chunk, secrets, urls))
    },
  }
}
