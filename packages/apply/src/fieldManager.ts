/**
 * The field manager every verb of the SDK and every `gitops` command use when none is given:
 * `gitops`, the `gitops` CLI's default since its first release, so that objects applied by the CLI
 * and by a library caller that names no manager are owned by one manager (two managers would
 * take fields from each other on every apply).
 */
export const DEFAULT_FIELD_MANAGER = 'gitops'
