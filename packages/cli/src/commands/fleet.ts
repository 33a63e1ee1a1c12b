// `gitops fleet build`: what every Flux Kustomization of a fleet would apply, offline.
import { resolve } from 'node:path'
import { printResult } from '../context.js'
import type { Command } from '../context.js'
import { UsageError } from '../errors.js'
import { booleanFlag, integrityFlag, outputFormat, parseCommandArgs, stringFlag, stringListFlag } from '../flags.js'
import type { FlagSpec } from '../flags.js'
import type { FetchHelmChart } from '@gitops-sdk/flux'
import { loadAgeIdentities } from './options.js'

const flags = {
  from: { type: 'string' },
  to: { type: 'string' },
  path: { type: 'string' },
  kustomization: { type: 'string' },
  'age-key-file': { type: 'string', multiple: true },
  'decryption-integrity': { type: 'string' },
  source: { type: 'string', multiple: true },
  'enable-helm': { type: 'boolean', default: false },
  'fetch-charts': { type: 'boolean', default: false },
} as const satisfies FlagSpec

const help = `gitops fleet build: print every object each Flux Kustomization of a fleet would apply, as Flux
would reconcile the repository after bootstrap, without a cluster or network: the cluster directory's
Kustomizations are followed recursively, dependencies first; each is built with Flux's generated
kustomization (targetNamespace, namePrefix/Suffix, patches, components, images), decrypted (SOPS, age),
substituted (postBuild; substituteFrom read from the ConfigMaps and Secrets the fleet renders) and
labelled as Flux labels. Then every HelmRelease (helm.toolkit.fluxcd.io/v2) the fleet renders is
rendered as helm-controller installs it, without a helm binary: its chart from this repository or a
--source (chart.spec with a GitRepository, Bucket or HelmRepository; chartRef to an OCIRepository or
HelmChart), values and valuesFrom (ConfigMaps and Secrets of the fleet, valuesKey, targetPath, optional)
merged in Flux's order, hooks left out, postRenderers (kustomize patches and images), commonMetadata
and the helm.toolkit.fluxcd.io/name|namespace labels. Sources outside the repository and failed
builds are reported on stderr; the others are still printed.

\`gitops fleet validate\` builds the fleet the same way and checks every object against the built-in
Kubernetes schemas, the CRDs the fleet itself contains and Flux's own (types, required fields, enums,
patterns, bounds, formats, unknown fields), and the fleet graph (unknown sourceRef and dependsOn targets,
dependsOn cycles, missing paths): one line per problem, naming the file, the object and the field.

\`gitops fleet diff\` builds two revisions of the repository out of its local git history and prints, per
Kustomization, the objects added, removed and changed with field paths; Secret values are masked.

Usage:
  gitops fleet build DIR [--path clusters/prod] [--kustomization NS/NAME] [--age-key-file F]...
                         [--decryption-integrity lenient|strict] [--source NS/NAME=DIR]... [-o yaml|json]
  gitops fleet diff DIR --from REV --to REV [--path P] [--age-key-file F]... [-o json]
  gitops fleet validate DIR [--path P] [--age-key-file F]... [--source NS/NAME=DIR]... [-o json]

Flags:
  --path P                the cluster directory (default: the one directory holding flux-system)
  --kustomization NS/NAME print only this Kustomization
  --age-key-file F        an age identity for Kustomizations with spec.decryption; repeatable
                          (SOPS_AGE_KEY, SOPS_AGE_KEY_FILE and the sops key file are read too)
  --decryption-integrity lenient|strict
                          (build) the MAC of an encrypted object is checked as built, else on the
                          encrypted file as it is in the repository (an overlay's namespace or labels
                          do not fail it); an object the build changed whose values match no verified
                          file: lenient (default, as Flux) decrypts it and warns on stderr; strict
                          fails its Kustomization's build with SOPS_MAC_MISMATCH naming it
  --source NS/NAME=DIR    a GitRepository, OCIRepository, Bucket or HelmRepository other than this one,
                          as a local directory (a HelmRepository: unpacked charts by name; an
                          OCIRepository of a chartRef: the chart itself)
  --fetch-charts          fetch the charts of HelmRepositories (HTTP and type: oci) and OCIRepositories
                          that no --source maps, over the network, into memory, with the credentials
                          of their secretRef Secrets (username/password, bearerToken, .dockerconfigjson);
                          with --enable-helm also kustomize helmCharts of http(s):// and oci:// repos
  --enable-helm           also render kustomize helmCharts in the Kustomizations' builds (as kubectl
                          kustomize --enable-helm; Flux itself does not enable them)
  -o, --output F          text or yaml (one stream, each Kustomization's objects after a
                          "# Kustomization NS/NAME" comment) or json (a list of
                          {kustomization, path, objects}, then
                          {helmRelease, releaseName, namespace, chart, objects}); HelmReleases
                          follow the Kustomizations, each after "# HelmRelease NS/NAME"

  --from REV, --to REV    (diff) the two revisions to compare: commits, branches, tags

Exit codes: build: 0 built, 2 a Kustomization failed to build or a dependency is missing;
diff: 0 no difference, 1 differences, 2 error; validate: 0 clean, 1 problems, 2 error.

Examples:
  gitops fleet build . --path clusters/prod
  gitops fleet build . --kustomization flux-system/apps --age-key-file age.agekey -o json
  gitops fleet diff . --from origin/main --to HEAD --path clusters/prod
  gitops fleet validate . --path clusters/prod
`

function sourceFlag(value: string): [string, string] {
  const eq = value.indexOf('=')
  const key = eq < 0 ? '' : value.slice(0, eq)
  if (eq < 0 || !/^[^/=]+\/[^/=]+$/u.test(key) || value.slice(eq + 1) === '') {
    throw new UsageError(`--source ${value}: expected NS/NAME=DIR`, { code: 'CLI_FLAG_INVALID', details: { flag: '--source' } })
  }
  return [key, value.slice(eq + 1)]
}

/**
 * A HelmRelease's chart for --fetch-charts: from its HelmRepository (`spec.url`, HTTP, or OCI with
 * `type: oci`, the chart at `<url>/<chart>`), or the chart an OCIRepository names (`spec.url` and
 * `spec.ref`: digest, semver or tag), with the credentials of the source's secretRef.
 */
const fetchHelmRepositoryChart: FetchHelmChart = async (request, { signal }) => {
  const { fetchChartToFs } = await import('../helmCharts.js')
  const spec = (request.source as { spec?: { url?: unknown; type?: unknown; insecure?: unknown; ref?: Record<string, unknown> } }).spec
  const url = typeof spec?.url === 'string' ? spec.url : ''
  const insecure = spec?.insecure === true
  const shown = `${request.source.kind}/${request.source.metadata.namespace ?? 'default'}/${request.source.metadata.name}`
  if (request.source.kind === 'OCIRepository') {
    if (!url.startsWith('oci://')) throw new Error(`${shown}: spec.url must be an oci:// URL`)
    const { fetchOciChartToFs } = await import('../ociCharts.js')
    const ref = spec?.ref ?? {}
    const pick = (key: string): string | undefined => (Object.prototype.hasOwnProperty.call(ref, key) && typeof ref[key] === 'string' && ref[key] !== '' ? ref[key] : undefined)
    // As Flux's OCIRepository: a digest wins over a semver range, which wins over a tag (default
    // latest). A range picks its tag by source-controller's rules (semverFilter first; tags that
    // are versions, a v prefix allowed, Helm's _ for + not), then the chart is fetched by that tag.
    const digest = pick('digest')
    const semver = digest === undefined ? pick('semver') : undefined
    if (semver !== undefined) {
      const [{ resolveSemverTag }, { ociAuthOf }] = await Promise.all([import('@gitops-sdk/oci-source'), import('../ociCharts.js')])
      const tag = await resolveSemverTag(url, { ref: { semver, semverFilter: pick('semverFilter') }, auth: ociAuthOf(url, request.auth), insecure, signal })
      return fetchOciChartToFs(`${url}:${tag}`, { credentials: request.auth, insecure, signal })
    }
    const chartRef = digest !== undefined ? `${url}@${digest}` : url
    const version = digest !== undefined ? undefined : (pick('tag') ?? 'latest')
    return fetchOciChartToFs(chartRef, { version, credentials: request.auth, insecure, signal })
  }
  if (request.source.kind !== 'HelmRepository' || request.chart === undefined) throw new Error(`${shown}: only HelmRepositories and OCIRepositories are fetched; map this source with --source`)
  if (spec?.type === 'oci' && !url.startsWith('oci://')) throw new Error(`${shown}: a HelmRepository of type oci needs an oci:// URL`)
  return fetchChartToFs(url, { name: request.chart, version: request.version }, { signal, credentials: request.auth, insecure })
}

export const fleetCommand: Command = {
  name: 'fleet',
  summary: 'build, diff or validate a Flux fleet offline: every object each Kustomization would apply',
  help,
  flags,
  async run({ io, argv, signal }) {
    const { values, positionals } = parseCommandArgs(argv, flags)
    const [verb, dir, ...extra] = positionals
    if (verb !== 'build' && verb !== 'diff' && verb !== 'validate') {
      throw new UsageError(verb === undefined ? 'missing sub-command: gitops fleet build|diff|validate DIR' : `unknown sub-command "${verb}"; gitops fleet build|diff|validate DIR`, {
        code: verb === undefined ? 'CLI_ARGUMENT_MISSING' : 'CLI_ARGUMENT_UNEXPECTED',
      })
    }
    if (dir === undefined) throw new UsageError(`missing DIR: gitops fleet ${verb} DIR`, { code: 'CLI_ARGUMENT_MISSING' })
    if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0] ?? ''}`, { code: 'CLI_ARGUMENT_UNEXPECTED', details: { argument: extra[0] } })
    const format = outputFormat(values.output)
    const sources = stringListFlag(values, 'source').map(sourceFlag)
    const [{ formatRef, nodeFs, stringifyObjects }, { buildFleet, diffFleet, formatFleetDiff, formatFleetIssue, validateFleet }, { stat }] = await Promise.all([
      import('@gitops-sdk/core'),
      import('@gitops-sdk/flux'),
      import('node:fs/promises'),
    ])
    const cwd = io.cwd ?? process.cwd()
    const directory = async (path: string, what: string): Promise<string> => {
      const abs = resolve(cwd, path)
      const found = await stat(abs).catch(() => undefined)
      if (found?.isDirectory() !== true) throw new UsageError(`${path}: no such directory (${what})`, { code: 'CLI_FILE_NOT_FOUND', details: { path } })
      return abs
    }
    const root = await directory(dir, 'DIR')
    const sourceDirs: Record<string, ReturnType<typeof nodeFs>> = {}
    for (const [key, path] of sources) sourceDirs[key] = nodeFs(await directory(path, `--source ${key}`))
    const identities = await loadAgeIdentities(io, stringListFlag(values, 'age-key-file'), signal)
    const { helmChartRenderer, helmReleaseRenderer, pullChart } = await import('../helmCharts.js')
    // HelmReleases are always rendered (as helm-controller would); kustomize helmCharts only with
    // --enable-helm, since Flux's kustomize-controller does not enable Helm.
    const helm = {
      renderHelmRelease: helmReleaseRenderer(),
      renderHelmChart: booleanFlag(values, 'enable-helm') ? helmChartRenderer({ pullChart: booleanFlag(values, 'fetch-charts') ? pullChart : undefined, env: io.env }) : undefined,
      fetchChart: booleanFlag(values, 'fetch-charts') ? fetchHelmRepositoryChart : undefined,
    }
    if (verb === 'diff') {
      const from = stringFlag(values, 'from')
      const to = stringFlag(values, 'to')
      if (from === undefined || to === undefined) throw new UsageError('gitops fleet diff needs --from REV and --to REV', { code: 'CLI_ARGUMENT_MISSING' })
      const { gitRevisionFs } = await import('../gitRevisionFs.js')
      const build = async (rev: string): Promise<Awaited<ReturnType<typeof buildFleet>>> => {
        const fleet = await buildFleet('.', { fs: await gitRevisionFs(root, rev, signal), path: stringFlag(values, 'path'), identities, sources: sourceDirs, ...helm, signal })
        for (const p of fleet.problems) if (p.type === 'failed' || p.type === 'dependency') io.stderr.write(`gitops fleet diff: ${rev}: ${p.type}: ${p.message}\n`)
        return fleet
      }
      const diffs = diffFleet(await build(from), await build(to))
      printResult(io, { format, data: diffs, text: () => formatFleetDiff(diffs) })
      return diffs.length === 0 ? 0 : 1
    }
    if (verb === 'validate') {
      const result = await validateFleet('.', { fs: nodeFs(root), path: stringFlag(values, 'path'), identities, sources: sourceDirs, ...helm, signal })
      printResult(io, {
        format: format === 'yaml' ? 'text' : format,
        data: result,
        text: () => result.issues.map((i) => `${formatFleetIssue(i)}\n`).join(''),
      })
      io.stderr.write(`gitops fleet validate: ${result.objects} objects checked, ${result.issues.length} problem${result.issues.length === 1 ? '' : 's'}\n`)
      return result.issues.length === 0 ? 0 : 1
    }
    const fleet = await buildFleet('.', {
      fs: nodeFs(root),
      path: stringFlag(values, 'path'),
      kustomization: stringFlag(values, 'kustomization'),
      identities,
      integrity: integrityFlag(stringFlag(values, 'decryption-integrity')),
      sources: sourceDirs,
      ...helm,
      signal,
    })
    for (const p of fleet.problems) io.stderr.write(`gitops fleet build: ${p.type}: ${p.message}\n`)
    for (const k of fleet.kustomizations) {
      for (const ref of k.unresolved) io.stderr.write(`gitops fleet build: Kustomization/${k.kustomization}: substituteFrom ${ref} is not rendered by the fleet; left unresolved\n`)
      for (const ref of k.unverifiedDecryptions ?? []) {
        io.stderr.write(`gitops fleet build: warning: Kustomization/${k.kustomization}: ${formatRef(ref)}: decrypted without a MAC check: the build changed it and no encrypted file of the repository with its values verifies\n`)
      }
    }
    printResult(io, {
      format: format === 'yaml' ? 'text' : format,
      data: [
        ...fleet.kustomizations.map((k) => ({ kustomization: k.kustomization, path: k.path, objects: k.objects })),
        ...(fleet.helmReleases ?? []).map((h) => ({ helmRelease: h.helmRelease, releaseName: h.releaseName, namespace: h.namespace, chart: h.chart, objects: h.objects })),
      ],
      text: () =>
        [
          ...fleet.kustomizations.map((k) => `# Kustomization ${k.kustomization}\n${k.objects.length === 0 ? '' : stringifyObjects(k.objects)}`),
          ...(fleet.helmReleases ?? []).map((h) => `# HelmRelease ${h.helmRelease}\n${h.objects.length === 0 ? '' : stringifyObjects(h.objects)}`),
        ].join('---\n'),
    })
    return fleet.problems.some((p) => p.type === 'failed' || p.type === 'dependency') ? 2 : 0
  },
}
