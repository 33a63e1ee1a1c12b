import { describe, expect, it } from 'vitest'
import { gitRepositoryYaml, kustomizationYaml, ociRepositoryYaml, one } from '../test/fixtures/fleet.js'
import { validateFluxObject } from './validate.js'

describe('validateFluxObject', () => {
  it.each([
    ['GitRepository', gitRepositoryYaml],
    ['OCIRepository', ociRepositoryYaml],
    ['Kustomization', kustomizationYaml],
  ] as const)('accepts a %s as Flux users write it', (kind, yaml) => {
    expect(validateFluxObject(kind, one(yaml))).toEqual([])
  })

  it('names every missing required field of a Kustomization', () => {
    const object = one('apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps}\nspec: {path: ./apps}\n')
    expect(validateFluxObject('Kustomization', object).map((i) => i.message)).toEqual([
      'spec.interval: Required value',
      'spec.prune: Required value',
      'spec.sourceRef: Required value',
    ])
  })

  it('reports wrong types, enums, patterns, bounds and unknown fields with kube-apiserver\'s wording', () => {
    const object = one(`apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps}
spec:
  interval: 10 minutes
  prune: "yes"
  sourceRef: {kind: HelmRepository, name: repo}
  namePrefix: ""
  deletionPolicy: Keep
  postBuild:
    substitute: {replicas: 3}
  colour: blue
`)
    expect(validateFluxObject('Kustomization', object).map((i) => i.message)).toEqual([
      `spec.interval: Invalid value: "10 minutes": should match '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$'`,
      'spec.prune: Invalid value: "string": spec.prune in body must be of type boolean: "string"',
      'spec.sourceRef.kind: Unsupported value: "HelmRepository": supported values: "OCIRepository", "GitRepository", "Bucket", "ExternalArtifact"',
      'spec.namePrefix: Invalid value: "": should be at least 1 chars long',
      'spec.deletionPolicy: Unsupported value: "Keep": supported values: "MirrorPrune", "Delete", "WaitForTermination", "Orphan"',
      'spec.postBuild.substitute.replicas: Invalid value: "integer": spec.postBuild.substitute.replicas in body must be of type string: "integer"',
      'spec.colour: unknown field "spec.colour"',
    ])
  })

  it('evaluates the CRDs\' CEL rules', () => {
    const both = one(`apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: remote}
spec:
  interval: 5m
  prune: true
  sourceRef: {kind: GitRepository, name: fleet}
  kubeConfig:
    secretRef: {name: kubeconfig}
    configMapRef: {name: cluster}
`)
    expect(validateFluxObject('Kustomization', both).map((i) => i.message)).toEqual([
      'spec.kubeConfig: Invalid value: "object": exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef must be specified',
    ])
    const repo = one(`apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: fleet}
spec: {interval: 5m, url: https://example.com/fleet.git, serviceAccountName: git}
`)
    expect(validateFluxObject('GitRepository', repo).map((i) => i.message)).toEqual([
      `spec: Invalid value: "object": serviceAccountName can only be set when provider is 'azure' or 'aws'`,
    ])
  })
})
