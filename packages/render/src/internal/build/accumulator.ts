// What a build carries: the injected world and per-build state (BuildContext), and the objects,
// configuration and vars gathered so far (kustomize's ResAccumulator).
import type { FileSystem } from '@gitops-sdk/core'
import type { RenderHelmChart } from '../../types.js'
import type { TransformerConfig } from '../fields/configs.js'
import { emptyConfig, mergeConfig } from '../fields/configs.js'
import { VarSet } from '../fields/vars.js'
import type { LoadRestrictions } from './loader.js'
import type { ParsedKustomizations } from './prefetch.js'
import { ResMap } from './resMap.js'
import type { SchemaState } from './schema.js'

export interface BuildContext {
  readonly fs: FileSystem
  readonly schemas: SchemaState
  readonly signal: AbortSignal | undefined
  readonly restrictions: LoadRestrictions
  readonly warn: (message: string) => void
  /** Kustomization files already read and parsed (by the prefetch). */
  readonly parsed: ParsedKustomizations
  /** Renders `helmCharts` entries; absent, they are refused. */
  readonly renderHelmChart?: RenderHelmChart | undefined
}

const EMPTY_CONFIG: TransformerConfig = emptyConfig()

/** The objects, configuration and vars gathered so far (kustomize's ResAccumulator). */
export class Accumulator {
  readonly resMap: ResMap
  config: TransformerConfig = EMPTY_CONFIG
  readonly vars: VarSet = new VarSet()

  constructor(schemas: SchemaState) {
    this.resMap = new ResMap(schemas)
  }

  mergeConfig(c: TransformerConfig): void {
    this.config = mergeConfig(this.config, c)
  }

  /** MergeAccumulator: appends the other's objects (ids must stay unique), config and vars. */
  merge(other: Accumulator): void {
    this.resMap.appendAll(other.resMap.resources())
    this.mergeConfig(other.config)
    this.vars.mergeSet(other.vars)
  }
}
