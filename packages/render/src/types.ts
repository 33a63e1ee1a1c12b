import type { FileSystem } from '@gitops-sdk/core'

/** Flux post-build substitution settings (`spec.postBuild` of a Flux Kustomization). */
export interface SubstituteOptions {
  /** Variables by name; they win over variables read from `files`. */
  readonly variables?: Readonly<Record<string, string>> | undefined
  /**
   * Files in the file system holding more variables, read in order (later ones win): a ConfigMap
   * or Secret manifest (its data, as Flux's `substituteFrom`), a YAML or JSON mapping, or
   * dotenv `KEY=value` lines.
   */
  readonly files?: readonly string[] | undefined
  /** An undefined variable without a default is an error (Flux's strict substitution). @defaultValue false */
  readonly strict?: boolean | undefined
}

/** Options of {@link render}. */
export interface RenderOptions {
  /** The file system to read; `root` and every path are inside it, nothing outside it is read. */
  readonly fs: FileSystem
  /** Flux post-build substitution applied to the built objects; none when absent. */
  readonly substitute?: SubstituteOptions | undefined
  /**
   * Build a root directory without a kustomization file as if it had one listing every YAML file
   * in it, recursively, and every subdirectory with a kustomization file, as Flux does.
   * @defaultValue false
   */
  readonly plainDirectories?: boolean | undefined
  /**
   * `rootOnly` (kustomize's default): a kustomization reads files only in or below its own
   * directory. `none`: anywhere inside the file system (Flux's setting).
   * @defaultValue 'rootOnly'
   */
  readonly loadRestrictions?: 'rootOnly' | 'none' | undefined
  /** Receives kustomize's warnings (deprecated fields, unused vars), one line each. @defaultValue ignored */
  readonly onWarning?: ((message: string) => void) | undefined
  /** Cancels the operation: it stops promptly and rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
}
