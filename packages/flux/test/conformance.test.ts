// Flux's published CRDs are the wire contract: every object they accept must be accepted by the
// SDK's CRDs, with the same field names, types and defaults, so a Flux user's manifests and Flux's
// own CLI work unchanged. Reads the CRDs from the shared conformance folder; skips without it.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseObjects } from '@gitops-sdk/core'
import { sharedPath } from '../../../testing/sharedDir.js'
import { fluxCrd, fluxKinds, validateFluxObject } from '../src/index.js'
import type { FluxKind, JSONSchemaProps } from '../src/index.js'

const crdDir = sharedPath('conformance/flux/crds')

const files: Readonly<Record<FluxKind, string>> = {
  GitRepository: 'source.toolkit.fluxcd.io_gitrepositories.yaml',
  OCIRepository: 'source.toolkit.fluxcd.io_ocirepositories.yaml',
  Kustomization: 'kustomize.toolkit.fluxcd.io_kustomizations.yaml',
}

interface Crd {
  spec: {
    group: string
    names: unknown
    scope: string
    versions: { name: string; served: boolean; storage: boolean; schema: { openAPIV3Schema: JSONSchemaProps }; additionalPrinterColumns?: unknown; subresources?: unknown }[]
  }
}

function fluxCrdOf(kind: FluxKind): Crd {
  return parseObjects(readFileSync(join(crdDir ?? '', files[kind]), 'utf8'))[0] as unknown as Crd
}

/** Every way `ours` would refuse something `theirs` accepts, or differ in meaning, by field path. */
function differences(theirs: JSONSchemaProps, ours: JSONSchemaProps, path: string, out: string[]): void {
  const at = path === '' ? '<root>' : path
  if (theirs.type !== ours.type) out.push(`${at}: type ${ours.type} vs Flux's ${theirs.type}`)
  if (theirs.format !== ours.format) out.push(`${at}: format ${ours.format} vs Flux's ${theirs.format}`)
  for (const flag of ['x-kubernetes-int-or-string', 'x-kubernetes-preserve-unknown-fields'] as const) {
    if (Boolean(theirs[flag]) !== Boolean(ours[flag])) out.push(`${at}: ${flag} differs`)
  }
  if (ours.enum !== undefined && !(theirs.enum ?? []).every((v) => ours.enum?.includes(v))) out.push(`${at}: enum ${String(ours.enum)} lacks some of Flux's ${String(theirs.enum)}`)
  if (ours.enum !== undefined && theirs.enum === undefined) out.push(`${at}: enum where Flux has none`)
  if (ours.pattern !== undefined && ours.pattern !== theirs.pattern) out.push(`${at}: pattern ${ours.pattern} vs Flux's ${theirs.pattern}`)
  for (const bound of ['minimum', 'minLength', 'minItems'] as const) {
    const o = ours[bound]
    if (o !== undefined && o > (theirs[bound] ?? -Infinity)) out.push(`${at}: ${bound} ${o} is stricter than Flux's ${theirs[bound]}`)
  }
  for (const bound of ['maximum', 'maxLength', 'maxItems'] as const) {
    const o = ours[bound]
    if (o !== undefined && o < (theirs[bound] ?? Infinity)) out.push(`${at}: ${bound} ${o} is stricter than Flux's ${theirs[bound]}`)
  }
  for (const name of ours.required ?? []) {
    if (!(theirs.required ?? []).includes(name)) out.push(`${at}: requires ${name}, Flux does not`)
  }
  for (const name of theirs.required ?? []) {
    if (!(ours.required ?? []).includes(name)) out.push(`${at}: Flux requires ${name}, the SDK does not`)
  }
  if (JSON.stringify(theirs.default) !== JSON.stringify(ours.default)) out.push(`${at}: default ${JSON.stringify(ours.default)} vs Flux's ${JSON.stringify(theirs.default)}`)
  const theirRules = (theirs['x-kubernetes-validations'] ?? []).map((r) => r.rule)
  const ourRules = (ours['x-kubernetes-validations'] ?? []).map((r) => r.rule)
  if (JSON.stringify(theirRules) !== JSON.stringify(ourRules)) out.push(`${at}: rules ${JSON.stringify(ourRules)} vs Flux's ${JSON.stringify(theirRules)}`)
  const theirProps = theirs.properties ?? {}
  const ourProps = ours.properties ?? {}
  for (const key of new Set([...Object.keys(theirProps), ...Object.keys(ourProps)])) {
    const t = theirProps[key]
    const o = ourProps[key]
    const child = path === '' ? key : `${path}.${key}`
    if (t === undefined) out.push(`${child}: the SDK has a field Flux lacks`)
    else if (o === undefined) out.push(`${child}: Flux has a field the SDK lacks`)
    else differences(t, o, child, out)
  }
  if ((theirs.additionalProperties === undefined) !== (ours.additionalProperties === undefined)) out.push(`${at}: additionalProperties differ`)
  else if (theirs.additionalProperties !== undefined && ours.additionalProperties !== undefined) differences(theirs.additionalProperties, ours.additionalProperties, `${path}.*`, out)
  if ((theirs.items === undefined) !== (ours.items === undefined)) out.push(`${at}: items differ`)
  else if (theirs.items !== undefined && ours.items !== undefined) differences(theirs.items, ours.items, `${path}[]`, out)
}

const patternSamples = ['10m', 'https://example.com/fleet.git', 'oci://registry.example.com/fleet', 'sha256:0123abcd', 'Succeeded', 'Ready', '60s']

/** The largest object Flux's schema accepts: every field set to a valid value. */
function sample(schema: JSONSchemaProps): unknown {
  switch (schema.type) {
    case 'string': {
      if (schema.enum !== undefined) return schema.enum[0]
      if (schema.format === 'date-time') return '2026-12-06T10:00:00Z'
      const pattern = schema.pattern
      if (pattern !== undefined) {
        const found = patternSamples.find((s) => new RegExp(pattern, 'u').test(s))
        if (found === undefined) throw new Error(`no sample matches ${pattern}`)
        return found
      }
      return schema.minLength !== undefined && schema.minLength > 1 ? 'x'.repeat(schema.minLength) : 'value'
    }
    case 'integer':
      return schema.minimum ?? 1
    case 'number':
      return 1.5
    case 'boolean':
      return true
    case 'array':
      return schema.items === undefined ? [] : [sample(schema.items), sample(schema.items)]
    case 'object': {
      if (schema.additionalProperties !== undefined) return { 'example.com/key': sample(schema.additionalProperties) }
      const out: Record<string, unknown> = {}
      for (const [key, child] of Object.entries(schema.properties ?? {})) out[key] = sample(child)
      return out
    }
    case undefined:
      return 'value'
  }
}

/** Fix-ups so the maximal sample also satisfies Flux's CEL rules (which a sample cannot know). */
type Sample = { metadata?: unknown; spec: Record<string, unknown> }
const celFixups: Readonly<Record<FluxKind, (o: Sample) => void>> = {
  GitRepository: (o) => {
    o.spec.provider = 'azure'
  },
  OCIRepository: () => undefined,
  Kustomization: (o) => {
    delete (o.spec.kubeConfig as Record<string, unknown>).configMapRef
  },
}

describe.skipIf(crdDir === undefined)('the SDK\'s CRDs against Flux\'s published CRDs', () => {
  it.each(fluxKinds)('%s: same group, names, scope, versions, printer columns and status subresource', (kind) => {
    const theirs = fluxCrdOf(kind).spec
    const ours = fluxCrd(kind).spec as unknown as Crd['spec']
    expect(ours.group).toBe(theirs.group)
    expect(ours.names).toEqual(theirs.names)
    expect(ours.scope).toBe(theirs.scope)
    const strip = (v: Crd['spec']['versions'][number]): unknown => ({ name: v.name, served: v.served, storage: v.storage, columns: v.additionalPrinterColumns, subresources: v.subresources })
    expect(ours.versions.map(strip)).toEqual(theirs.versions.filter((v) => v.served).map(strip))
  })

  it.each(fluxKinds)('%s: the schema has every field of Flux\'s with the same type, defaults and no stricter constraint', (kind) => {
    const theirs = fluxCrdOf(kind).spec.versions.find((v) => v.storage)!.schema.openAPIV3Schema
    const ours = (fluxCrd(kind).spec as unknown as Crd['spec']).versions[0]!.schema.openAPIV3Schema
    const out: string[] = []
    differences(theirs, ours, '', out)
    expect(out).toEqual([])
  })

  it.each(fluxKinds)('%s: the largest object Flux\'s schema accepts is valid for the SDK', (kind) => {
    const theirs = fluxCrdOf(kind).spec.versions.find((v) => v.storage)!.schema.openAPIV3Schema
    const object = sample(theirs) as Sample
    object.metadata = { name: 'sample', namespace: 'flux-system' }
    celFixups[kind](object)
    expect(validateFluxObject(kind, object)).toEqual([])
  })
})
