// Endpoints of the transport: a client-node KubeConfig (every auth method client-node knows, read
// per request so exec plugins and token files refresh), or an in-cluster service account.
import type { KubeConfig } from '@kubernetes/client-node'
import { ControllerError } from '../errors.js'
import type { Endpoint, TlsSettings } from './transport.js'

/** An endpoint for the current context of `kc`. */
export async function endpointOfKubeConfig(kc: KubeConfig): Promise<Endpoint> {
  const cluster = kc.getCurrentCluster()
  const invalid = (why: string, cause?: unknown): ControllerError =>
    new ControllerError({ code: 'CONTROLLER_CONFIG_INVALID', message: `kubeconfig: ${why}`, details: { context: kc.getCurrentContext() }, cause })
  if (cluster === null) throw invalid(`context "${kc.getCurrentContext()}" names no cluster`)
  const probe: Record<string, unknown> = {}
  try {
    await kc.applyToHTTPSOptions(probe)
  } catch (cause) {
    throw invalid(`cannot read the credentials of context "${kc.getCurrentContext()}" (${cause instanceof Error ? cause.message : String(cause)})`, cause)
  }
  const tls: TlsSettings = {
    ca: probe.ca as TlsSettings['ca'],
    cert: probe.cert as TlsSettings['cert'],
    key: probe.key as TlsSettings['key'],
    rejectUnauthorized: cluster.skipTLSVerify ? false : undefined,
    servername: cluster.tlsServerName === undefined || cluster.tlsServerName === '' ? undefined : cluster.tlsServerName,
  }
  return {
    server: cluster.server,
    tls,
    async headers() {
      // client-node resolves tokens (static, exec plugin, OIDC, token file) into these headers.
      const opts: { headers?: Record<string, unknown> } = {}
      await kc.applyToHTTPSOptions(opts)
      const out: Record<string, string> = {}
      for (const [key, value] of Object.entries(opts.headers ?? {})) if (typeof value === 'string') out[key] = value
      return out
    },
  }
}
