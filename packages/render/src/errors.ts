import { GitOpsError, isGitOpsError } from '@gitops-sdk/core'

/** Codes of the errors `@gitops-sdk/render` throws. */
export type RenderErrorCode =
  /** A directory to build has no kustomization file (or has more than one). */
  | 'RENDER_KUSTOMIZATION_NOT_FOUND'
  /** A kustomization file is not valid: unknown or mistyped field, wrong kind or apiVersion, bad values. */
  | 'RENDER_KUSTOMIZATION_INVALID'
  /** A path leaves the directory it may be read from (kustomize's `LoadRestrictionsRootOnly`) or the file system's root. */
  | 'RENDER_PATH_ESCAPES_ROOT'
  /** A file or directory named by a kustomization does not exist. */
  | 'RENDER_FILE_NOT_FOUND'
  /** A directory is referenced twice on the way down (a base containing its own overlay). */
  | 'RENDER_CYCLE'
  /** A manifest, patch or configuration file is not valid YAML or not a Kubernetes object. */
  | 'RENDER_YAML_INVALID'
  /** Two objects end up with the same group, kind, namespace and name. */
  | 'RENDER_ID_CONFLICT'
  /** A patch is invalid, matches no object, matches several, or fails to apply. */
  | 'RENDER_PATCH_FAILED'
  /** A name reference matches several objects and kustomize cannot tell which one is meant. */
  | 'RENDER_REFERENCE_AMBIGUOUS'
  /** A configMapGenerator or secretGenerator cannot produce its object. */
  | 'RENDER_GENERATOR_FAILED'
  /** A transformer (namespace, replicas, replacements, vars, images, labels, sort, builtin plugin) fails. */
  | 'RENDER_TRANSFORM_FAILED'
  /** A remote resource (git or http URL): this build reads the injected file system only. */
  | 'RENDER_REMOTE_DISABLED'
  /** Helm charts, exec and KRM function plugins, and other plugins this build does not run. */
  | 'RENDER_PLUGIN_UNSUPPORTED'
  /** A `helmCharts` entry is invalid, or its chart cannot be pulled or rendered (the cause is the renderer's error). */
  | 'RENDER_HELM_FAILED'
  /** Post-build substitution: an undefined variable in strict mode, a bad expression or an invalid variable. */
  | 'RENDER_SUBSTITUTE_FAILED'

/**
 * An error of {@link render} or {@link substituteVariables}. `details` names the kustomization file
 * and field (`file`, `field`), or the object (`object`), that the failure concerns.
 */
export class RenderError extends GitOpsError<RenderErrorCode> {
  /** Always `'RenderError'`, so logs and `toJSON()` name the class. */
  override readonly name: string = 'RenderError'
}

/** Tells whether `value` is a {@link RenderError}, optionally with one of the given codes. */
export function isRenderError(value: unknown, ...codes: RenderErrorCode[]): value is RenderError {
  return isGitOpsError(value, ...codes) && value.code.startsWith('RENDER_')
}
