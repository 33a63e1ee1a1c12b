// Credentials, apart from the option types so that transports can name them without importing
// the options (which name the transport): no import cycle between types.ts and transport.ts.

/**
 * Credentials for HTTPS: a username and password (basic auth; a token as password works on most
 * hosts) or a bearer token. They only ever travel in an `Authorization` header: never in errors,
 * logs, the revision or the artifact.
 */
export interface GitAuth {
  /** HTTP basic user name; some hosts want any non-empty name with a token as password. */
  readonly username?: string | undefined
  /** HTTP basic password or access token. Never logged or put in an error. */
  readonly password?: string | undefined
  /** Sent as `Authorization: Bearer <token>`; wins over username and password. */
  readonly token?: string | undefined
}
