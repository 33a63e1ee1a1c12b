/**
 * The error classes of gitops-sdk alone: `GitOpsError`, `CoreError` and `isGitOpsError`, the same
 * ones the main entry exports, without its YAML engine and object model, for programs that must
 * start fast (a command line that only prints its help loads this and nothing else). The entries
 * share their modules, so under `require` and `import` alike these are the main entry's classes;
 * `isGitOpsError` checks a brand rather than the class, so it also knows errors thrown by another
 * copy of the package.
 *
 * @packageDocumentation
 */
const brand: unique symbol = Symbol.for('gitops-sdk.GitOpsError')

/** JSON-safe facts about an error: paths, refs, field names, counts. Never plaintext or key material. */
export type ErrorDetails = Readonly<Record<string, unknown>>

/** What every SDK error is built from. */
export interface GitOpsErrorInit<Code extends string> {
  /** Area-prefixed, `SCREAMING_SNAKE` code that callers branch on. */
  readonly code: Code
  /** One line: the subject (file, object or field), what failed, then the upstream reason. */
  readonly message: string
  /** JSON-safe facts about the failure. */
  readonly details?: ErrorDetails | undefined
  /** The error this one wraps. */
  readonly cause?: unknown
}

/** {@link GitOpsError.toJSON}'s plain object: what logs and `--output json` show of an error. */
export interface GitOpsErrorJson<Code extends string = string> {
  /** The class name, e.g. `SopsDecryptError`. */
  name: string
  /** The error's area-prefixed code. */
  code: Code
  /** The one-line message, subject first. */
  message: string
  /** JSON-safe facts about the failure. */
  details: ErrorDetails
  /** The message of the wrapped error, when it is an `Error`; absent otherwise. */
  cause?: string
}

/**
 * The base class of every error the SDK throws on purpose. Each package narrows `Code` to its own
 * union (`GIT_…`, `SOPS_…`, `RENDER_…`, `APPLY_…`); callers branch on {@link GitOpsError.code},
 * never on the message.
 *
 * @example
 * ```ts
 * try { parseObjects(text, { source: 'app.yaml' }) }
 * catch (err) { if (isGitOpsError(err, 'CORE_YAML_INVALID')) console.error(err.details) }
 * ```
 */
export class GitOpsError<Code extends string = string> extends Error {
  /** The class name (`GitOpsError`, or the subclass's, e.g. `ApplyError`), as `Error.name`. */
  override readonly name: string = 'GitOpsError'
  /** Area-prefixed error code, stable across releases. */
  readonly code: Code
  /** JSON-safe facts about the failure. */
  readonly details: ErrorDetails

  constructor(init: GitOpsErrorInit<Code>) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause })
    this.code = init.code
    this.details = init.details ?? {}
    Object.defineProperty(this, brand, { value: true })
  }

  /** A plain object for logs and `--output json`: name, code, message, details and the cause's message. */
  toJSON(): GitOpsErrorJson<Code> {
    const json: GitOpsErrorJson<Code> = {
      name: this.name,
      code: this.code,
      message: this.message,
      details: this.details,
    }
    if (this.cause instanceof Error) json.cause = this.cause.message
    return json
  }
}

/**
 * Tells whether `value` is a {@link GitOpsError}, optionally with one of the given codes. Works across
 * copies of the SDK loaded twice (ESM and CJS), because the brand is a registered symbol.
 */
export function isGitOpsError<Code extends string>(value: unknown, ...codes: Code[]): value is GitOpsError<Code> {
  if (typeof value !== 'object' || value === null || !(brand in value)) return false
  return codes.length === 0 || codes.includes((value as unknown as GitOpsError).code as Code)
}

/** Codes of the errors `@gitops-sdk/core` throws. */
export type CoreErrorCode =
  | 'CORE_YAML_INVALID'
  | 'CORE_YAML_TOO_LARGE'
  | 'CORE_YAML_TOO_DEEP'
  | 'CORE_OBJECT_INVALID'
  | 'CORE_VALUE_UNSUPPORTED'
  | 'CORE_INVENTORY_INVALID'
  | 'CORE_FS_NOT_FOUND'
  | 'CORE_FS_PATH_ESCAPES_ROOT'
  | 'CORE_FS_NOT_A_FILE'
  | 'CORE_FS_NOT_A_DIRECTORY'
  | 'CORE_FS_SYMLINK_REFUSED'
  | 'CORE_REGEXP_INVALID'

/** An error thrown by `@gitops-sdk/core`. */
export class CoreError extends GitOpsError<CoreErrorCode> {
  /** Always `'CoreError'`, so logs and `toJSON()` name the class. */
  override readonly name: string = 'CoreError'
}
