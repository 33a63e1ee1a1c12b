import type { FileSystem } from '@gitops-sdk/core'
import { progress } from '../context.js'
import type { CliIO, Command } from '../context.js'
import { UsageError } from '../errors.js'
import { booleanFlag, parseCommandArgs, stringFlag, stringListFlag } from '../flags.js'
import type { FlagSpec, FlagValues } from '../flags.js'

const flags = {
  values: { type: 'string', short: 'f', multiple: true },
  set: { type: 'string', multiple: true },
  'set-string': { type: 'string', multiple: true },
  'set-json': { type: 'string', multiple: true },
  'set-file': { type: 'string', multiple: true },
  'set-literal': { type: 'string', multiple: true },
  'skip-schema-validation': { type: 'boolean', default: false },
  namespace: { type: 'string', short: 'n' },
  'release-name': { type: 'string' },
  'kube-version': { type: 'string' },
  'api-versions': { type: 'string', short: 'a', multiple: true },
  'include-crds': { type: 'boolean', default: false },
  version: { type: 'string' },
  username: { type: 'string' },
  'password-env': { type: 'string' },
  'token-env': { type: 'string' },
  'registry-config': { type: 'string' },
  'plain-http': { type: 'boolean', default: false },
} as const satisfies FlagSpec

/** The chart to render: a directory (read below its parent, so messages name it: `web/Chart.yaml: ...`) or an oci:// chart fetched into memory. */
async function chartLocation(chart: string, context: { io: CliIO; values: FlagValues; cwd: string; signal: AbortSignal }): Promise<{ fs: FileSystem; path: string }> {
  const { io, values, cwd, signal } = context
  const path = await import('node:path')
  const ociOnly = ['version', 'username', 'password-env', 'token-env', 'registry-config'] as const
  if (!chart.startsWith('oci://')) {
    const used = ociOnly.find((f) => stringFlag(values, f) !== undefined) ?? (booleanFlag(values, 'plain-http') ? 'plain-http' : undefined)
    if (used !== undefined) throw new UsageError(`--${used} is for oci:// charts; ${chart} is a directory`, { code: 'CLI_FLAG_INVALID', details: { flag: `--${used}` } })
    const [{ nodeFs }, { quickReadFs }] = await Promise.all([import('@gitops-sdk/core'), import('../quickReadFs.js')])
    const dir = path.resolve(cwd, chart)
    return { fs: quickReadFs(nodeFs(path.dirname(dir)), path.dirname(dir)), path: path.basename(dir) }
  }
  const [{ fetchOciChartToFs }, { registryAuth }, { helmRegistryConfigFiles, registryConfigAuth }] = await Promise.all([import('../ociCharts.js'), import('./fetchOci.js'), import('../helmRegistryConfig.js')])
  // Credentials from the flags, else from the files helm reads: --registry-config (or
  // $HELM_REGISTRY_CONFIG, or helm's registry/config.json), then Docker's config.json.
  let credentials = registryAuth(io, values)
  if (credentials === undefined) {
    const rest = chart.slice('oci://'.length)
    const host = rest.slice(0, rest.indexOf('/') < 0 ? rest.length : rest.indexOf('/'))
    credentials = await registryConfigAuth(host, helmRegistryConfigFiles(io.env, stringFlag(values, 'registry-config')), { cwd, signal, env: io.env })
  }
  progress(io, `fetching ${chart}`)
  return fetchOciChartToFs(chart, { version: stringFlag(values, 'version'), credentials, insecure: booleanFlag(values, 'plain-http'), signal })
}

export const templateCommand: Command = {
  name: 'template',
  summary: 'render a Helm chart as helm template does, without a helm binary',
  help: `gitops template: render the Helm chart in CHART (a directory, or oci://HOST/PATH/NAME[:TAG|@DIGEST]
fetched from an OCI registry as helm pull does) and print what
\`helm template\` (Helm v4.1.4) prints, byte for byte: subcharts, dependencies, values files and
--set overrides with Helm's precedence (values files in order, then --set-json, --set, --set-string,
--set-file, --set-literal), checked against the charts' values.schema.json. Dates (now, date,
toDate) are in the zone of $TZ as helm's are (unset: /etc/localtime; empty or unknown: UTC).

Usage:
  gitops template CHART [--values F]... [--set K=V]... [--namespace N] [--release-name R]
                  [--kube-version V] [--api-versions V]...
  gitops template oci://HOST/PATH/NAME [--version V] [--username U --password-env VAR]
                  [--token-env VAR] [--registry-config FILE] [--plain-http] ...

Flags:
  -f, --values F          a values file (repeatable; later files win)
  --set K=V               a value (repeatable; a,b lists, x[0] indexes, \\. and \\, escapes; typed)
  --set-string K=V        a value kept a string
  --set-json K=JSON       a value read as JSON
  --set-file K=PATH       a value read from a file (its text, as a string)
  --set-literal K=V       a value taken literally (commas and backslashes included)
  --skip-schema-validation  do not check values against values.schema.json
  -n, --namespace N       .Release.Namespace (default "default")
  --release-name R        .Release.Name (default "release-name")
  --kube-version V        .Capabilities.KubeVersion (default v1.35.0, as helm template of Helm v4.1.4)
  -a, --api-versions V    an extra .Capabilities.APIVersions entry (repeatable)
  --include-crds          print the charts' crds/ files first
  --version V             for an oci:// chart: an exact version or a semver range (default: the tag in
                          CHART, else the highest stable version); tags hold + as _, as helm pushes them
  --username U            registry user (basic auth, or traded for a token when the registry asks)
  --password-env VAR      the environment variable holding the registry password
  --token-env VAR         the environment variable holding a registry bearer token
  --registry-config FILE  a docker config.json whose auths entry for the registry host is used
                          (auth, username/password or registrytoken; credential helpers are not run);
                          without it, as helm: $HELM_REGISTRY_CONFIG, else registry/config.json in
                          $HELM_CONFIG_HOME (or $XDG_CONFIG_HOME/helm, or ~/.config/helm); then
                          Docker's config.json ($DOCKER_CONFIG or ~/.docker) for a host not in it
  --plain-http            speak HTTP to the registry (127.0.0.1 and localhost always are)

Examples:
  gitops template charts/web --release-name web -n prod --values prod.yaml --set image.tag=v2
  gitops template charts/web --kube-version v1.32.0 --api-versions monitoring.coreos.com/v1
  gitops template oci://ghcr.io/acme/charts/web --version '1.x' --username bot --password-env REGISTRY_TOKEN
`,
  flags,
  async run({ io, argv, signal }) {
    const { values, positionals } = parseCommandArgs(argv, flags)
    if (positionals.length !== 1) {
      throw new UsageError('template takes exactly one chart (a directory or an oci:// reference): gitops template CHART', {
        code: positionals.length === 0 ? 'CLI_ARGUMENT_MISSING' : 'CLI_ARGUMENT_UNEXPECTED',
      })
    }
    const [helm, { readFile }, { readFileSync }, path] = await Promise.all([
      import('@gitops-sdk/helm'),
      import('node:fs/promises'),
      import('node:fs'),
      import('node:path'),
    ])
    const cwd = io.cwd ?? process.cwd()
    let chartValues: Record<string, unknown> = {}
    for (const file of stringListFlag(values, 'values')) {
      const text = await readFile(path.resolve(cwd, file), { encoding: 'utf8', signal }).catch((err: unknown) => {
        const missing = (err as NodeJS.ErrnoException).code === 'ENOENT'
        throw new UsageError(`--values ${file}: ${missing ? 'no such file' : (err as Error).message}`, {
          code: missing ? 'CLI_FILE_NOT_FOUND' : 'CLI_FLAG_INVALID',
          details: { path: file },
          cause: err,
        })
      })
      chartValues = helm.parseValues(text, { source: file, values: chartValues })
    }
    // Helm applies the flags by kind, not in command-line order.
    for (const e of stringListFlag(values, 'set-json')) chartValues = helm.parseSetValues(e, { type: 'json', values: chartValues })
    for (const e of stringListFlag(values, 'set')) chartValues = helm.parseSetValues(e, { type: 'set', values: chartValues })
    for (const e of stringListFlag(values, 'set-string')) chartValues = helm.parseSetValues(e, { type: 'string', values: chartValues })
    const readSetFile = (p: string): string => readFileSync(path.resolve(cwd, p), 'utf8')
    for (const e of stringListFlag(values, 'set-file')) chartValues = helm.parseSetValues(e, { type: 'file', values: chartValues, readFile: readSetFile })
    for (const e of stringListFlag(values, 'set-literal')) chartValues = helm.parseSetValues(e, { type: 'literal', values: chartValues })
    const where = await chartLocation(positionals[0] as string, { io, values, cwd, signal })
    const result = await helm.renderChart(where.path, {
      fs: where.fs,
      releaseName: stringFlag(values, 'release-name'),
      namespace: stringFlag(values, 'namespace'),
      kubeVersion: stringFlag(values, 'kube-version'),
      apiVersions: stringListFlag(values, 'api-versions'),
      includeCrds: booleanFlag(values, 'include-crds'),
      skipSchemaValidation: booleanFlag(values, 'skip-schema-validation'),
      values: chartValues,
      // As helm: time.Local from $TZ (unset: /etc/localtime), as Go resolves it.
      timeZone: helm.loadLocalTimeZone(io.env),
      signal,
    })
    io.stdout.write(result.text)
    return 0
  },
}
