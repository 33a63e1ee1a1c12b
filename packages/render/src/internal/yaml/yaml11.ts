// YAML read as sigs.k8s.io/yaml reads it (go-yaml v2: YAML 1.1 scalars, a repeated key keeps its
// last value, timestamps keep their text): kustomization files and the text after post-build
// substitution: core's go-yaml v2 dialect (whose fast reader takes the plain block YAML most of
// them are).
import { isGitOpsError } from '@gitops-sdk/core'
import type { KubeValue } from '@gitops-sdk/core'
import { parseYamlValues } from '@gitops-sdk/core/yaml'
import { stepError } from '../build/fail.js'
import { markNull, markScalarText } from './values.js'

/** The first document of `text`, or undefined when there is none. */
export function parseYaml11(text: string, source: string): KubeValue | undefined {
  try {
    return parseYamlValues(text, { source, dialect: 'v2', onNull: markNull, onScalarText: markScalarText })[0]?.value
  } catch (err) {
    if (isGitOpsError(err, 'CORE_YAML_INVALID', 'CORE_YAML_TOO_LARGE', 'CORE_YAML_TOO_DEEP')) {
      // The step error names the file already.
      const message = err.message.startsWith(`${source}: `) ? err.message.slice(source.length + 2) : err.message
      throw stepError('RENDER_YAML_INVALID', message)
    }
    throw err
  }
}
