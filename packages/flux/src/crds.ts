import type { KubeMap, KubeObject } from '@gitops-sdk/core'
import type { JSONSchemaProps } from './jsonSchema.js'
import { kustomizationSchema } from './internal/kustomizationSchema.js'
import { gitRepositorySchema, ociRepositorySchema } from './internal/sourceSchemas.js'

/** The Flux kinds the SDK reads and serves. */
export type FluxKind = 'GitRepository' | 'OCIRepository' | 'Kustomization'

interface KindInfo {
  readonly group: string
  readonly plural: string
  readonly shortName: string
  readonly category: string
  readonly schema: JSONSchemaProps
  readonly columns: readonly { readonly jsonPath: string; readonly name: string; readonly type: string }[]
}

const age = { jsonPath: '.metadata.creationTimestamp', name: 'Age', type: 'date' } as const
const ready = { jsonPath: '.status.conditions[?(@.type=="Ready")].status', name: 'Ready', type: 'string' } as const
const status = { jsonPath: '.status.conditions[?(@.type=="Ready")].message', name: 'Status', type: 'string' } as const
const url = { jsonPath: '.spec.url', name: 'URL', type: 'string' } as const

const kinds: Readonly<Record<FluxKind, KindInfo>> = {
  GitRepository: {
    group: 'source.toolkit.fluxcd.io',
    plural: 'gitrepositories',
    shortName: 'gitrepo',
    category: 'fluxcd-sources',
    schema: gitRepositorySchema,
    columns: [url, age, ready, status],
  },
  OCIRepository: {
    group: 'source.toolkit.fluxcd.io',
    plural: 'ocirepositories',
    shortName: 'ocirepo',
    category: 'fluxcd-sources',
    schema: ociRepositorySchema,
    columns: [url, ready, status, age],
  },
  Kustomization: {
    group: 'kustomize.toolkit.fluxcd.io',
    plural: 'kustomizations',
    shortName: 'ks',
    category: 'fluxcd-appliers',
    schema: kustomizationSchema,
    columns: [age, ready, status],
  },
}

/** The kinds in the order `fluxCrds` returns them. */
export const fluxKinds: readonly FluxKind[] = ['GitRepository', 'OCIRepository', 'Kustomization']

/** The `openAPIV3Schema` the SDK's CRD of `kind` carries (the same contract as Flux's own CRD). */
export function fluxSchema(kind: FluxKind): JSONSchemaProps {
  return kinds[kind].schema
}

/**
 * The CustomResourceDefinition of one Flux kind, written from the SDK's types: the same group,
 * names, version `v1`, schema, printer columns and status subresource as Flux publishes, so Flux's
 * CLI, `kubectl get kustomizations` and existing manifests work against a cluster that has it.
 *
 * @example
 * ```ts
 * const crd = fluxCrd('Kustomization') // metadata.name: kustomizations.kustomize.toolkit.fluxcd.io
 * ```
 */
export function fluxCrd(kind: FluxKind): KubeObject {
  const info = kinds[kind]
  const singular = kind.toLowerCase()
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${info.plural}.${info.group}`,
      labels: { 'app.kubernetes.io/part-of': 'gitops-sdk' },
    },
    spec: {
      group: info.group,
      names: {
        categories: ['all', 'fluxcd', info.category],
        kind,
        listKind: `${kind}List`,
        plural: info.plural,
        shortNames: [info.shortName],
        singular,
      },
      scope: 'Namespaced',
      versions: [
        {
          additionalPrinterColumns: info.columns.map((c) => ({ ...c })),
          name: 'v1',
          schema: { openAPIV3Schema: JSON.parse(JSON.stringify(info.schema)) as KubeMap },
          served: true,
          storage: true,
          subresources: { status: {} },
        },
      ],
    },
  }
}

/** The CRDs of every Flux kind the SDK supports, sources first. */
export function fluxCrds(): KubeObject[] {
  return fluxKinds.map(fluxCrd)
}
