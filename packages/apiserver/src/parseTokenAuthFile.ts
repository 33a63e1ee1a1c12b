import { ApiServerError } from './errors.js'
import { parseTokenFile } from './internal/auth/identity.js'
import type { ApiServerUser } from './types.js'

/**
 * Reads a token file in the format of kube-apiserver's `--token-auth-file` (CSV lines
 * `token,user,uid[,"group1,group2"]`; blank lines and `#` comments skipped) into the users
 * {@link startApiServer} takes.
 *
 * @param text - The file's contents.
 * @param source - The file's name, for error messages. @defaultValue 'token file'
 * @returns The users, in file order; a repeated token keeps its last line.
 * @throws {@link ApiServerError} `APISERVER_TOKEN_FILE_INVALID` naming the line (never its token).
 * @example
 * ```ts
 * const users = parseTokenAuthFile('s3cret,alice,1001,"dev,ops"\n')
 * const server = await startApiServer({ users, authorization: 'RBAC' })
 * ```
 */
export function parseTokenAuthFile(text: string, source = 'token file'): ApiServerUser[] {
  const parsed = parseTokenFile(text)
  if ('why' in parsed) {
    throw new ApiServerError({
      code: 'APISERVER_TOKEN_FILE_INVALID',
      message: `${source}:${parsed.line}: ${parsed.why}`,
      details: { source, line: parsed.line },
    })
  }
  return parsed.users.map((u) => ({ token: u.token, name: u.name, uid: u.uid, groups: u.groups }))
}
