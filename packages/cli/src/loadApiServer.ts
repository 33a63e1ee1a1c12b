// `gitops apiserver` is for tests and demos; the embedded apiserver is an optional peer of the CLI,
// so that installing the CLI does not install it. This loads it when the command runs.
import type * as ApiServer from '@gitops-sdk/apiserver'
import { GitOpsError } from '@gitops-sdk/core/errors'

/** Codes of the errors the CLI itself throws (beyond usage errors). */
export type CliErrorCode = 'CLI_PEER_NOT_INSTALLED'

/** An error of the `gitops` command itself. */
export class CliError extends GitOpsError<CliErrorCode> {
  /** Always `'CliError'`, so logs and `toJSON()` name the class. */
  override readonly name: string = 'CliError'
}

type ApiServerModule = typeof ApiServer

/**
 * Loads `@gitops-sdk/apiserver`, or fails with `CLI_PEER_NOT_INSTALLED` naming the package and the
 * command that installs it. `load` is the seam a test replaces.
 */
export async function loadApiServer(
  load: () => Promise<ApiServerModule> = () => import('@gitops-sdk/apiserver'),
): Promise<ApiServerModule> {
  try {
    return await load()
  } catch (err) {
    if (!isModuleNotFound(err, '@gitops-sdk/apiserver')) throw err
    throw new CliError({
      code: 'CLI_PEER_NOT_INSTALLED',
      message: '@gitops-sdk/apiserver: not installed; `gitops apiserver` needs it (npm install @gitops-sdk/apiserver)',
      details: { package: '@gitops-sdk/apiserver' },
      cause: err,
    })
  }
}

function isModuleNotFound(err: unknown, name: string): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && err instanceof Error && err.message.includes(name)
}
