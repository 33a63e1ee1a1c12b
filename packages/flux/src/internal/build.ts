// Small builders for the CRD schemas, so that each kind's schema reads like its Go type.
import type { JSONSchemaProps } from '../jsonSchema.js'

type Extra = Omit<JSONSchemaProps, 'type' | 'properties' | 'items'>

/** A string field. */
export function str(description: string, extra: Extra = {}): JSONSchemaProps {
  return { type: 'string', description, ...extra }
}

/** A boolean field. */
export function bool(description: string, extra: Extra = {}): JSONSchemaProps {
  return { type: 'boolean', description, ...extra }
}

/** An int64 field. */
export function int64(description: string, extra: Extra = {}): JSONSchemaProps {
  return { type: 'integer', format: 'int64', description, ...extra }
}

/** A list of `items`. */
export function list(description: string, items: JSONSchemaProps, extra: Extra = {}): JSONSchemaProps {
  return { type: 'array', description, items, ...extra }
}

/** An object with named properties; `required` lists the ones that must be set. */
export function obj(
  description: string,
  properties: Readonly<Record<string, JSONSchemaProps>>,
  extra: Extra = {},
): JSONSchemaProps {
  return { type: 'object', description, properties, ...extra }
}

/** A map of strings to strings (labels, annotations, substitutions). */
export function stringMap(description: string): JSONSchemaProps {
  return { type: 'object', description, additionalProperties: { type: 'string' } }
}

/** Go duration strings as Flux's CRDs accept them: `1m`, `1h30m`, `500ms`. */
export const durationPattern = '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$'

/** A duration field. */
export function duration(description: string, extra: Extra = {}): JSONSchemaProps {
  return str(description, { pattern: durationPattern, ...extra })
}

/** A reference to an object in the same namespace, by name. */
export function localRef(description: string): JSONSchemaProps {
  return obj(description, { name: str('Name of the referent.') }, { required: ['name'] })
}

/** `metav1.Condition`, as every Flux kind reports it. */
export const conditionSchema: JSONSchemaProps = obj(
  'Condition contains details for one aspect of the current state of this API Resource.',
  {
    lastTransitionTime: str('The last time the condition transitioned from one status to another.', { format: 'date-time' }),
    message: str('A human readable message indicating details about the transition.', { maxLength: 32768 }),
    observedGeneration: int64('The .metadata.generation that the condition was set based upon.', { minimum: 0 }),
    reason: str('A programmatic identifier indicating the reason for the last transition, in CamelCase.', {
      maxLength: 1024,
      minLength: 1,
      pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
    }),
    status: str('Status of the condition, one of True, False, Unknown.', { enum: ['True', 'False', 'Unknown'] }),
    type: str('Type of condition in CamelCase or in foo.example.com/CamelCase.', {
      maxLength: 316,
      pattern:
        '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$',
    }),
  },
  { required: ['lastTransitionTime', 'message', 'reason', 'status', 'type'] },
)

/** The artifact a source produced: where it is, its revision and digest. */
export const artifactSchema: JSONSchemaProps = obj(
  'Artifact represents the output of a source reconciliation.',
  {
    digest: str('Digest of the artifact file, in the form <algorithm>:<checksum>.', {
      pattern: '^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$',
    }),
    lastUpdateTime: str('When the artifact was last updated (its revision changed).', { format: 'date-time' }),
    metadata: stringMap('Metadata of the artifact: annotations of an OCI manifest, for example.'),
    path: str('Relative path of the artifact file in the storage.'),
    revision: str('Human-readable identifier of the artifact source: a branch and commit, a tag and digest.'),
    size: int64('Number of bytes in the artifact file.'),
    url: str('HTTP address of the artifact file, as served by the source controller.'),
  },
  { required: ['digest', 'lastUpdateTime', 'path', 'revision', 'url'] },
)

/** The status fields every Flux kind has. */
export function commonStatus(
  description: string,
  properties: Readonly<Record<string, JSONSchemaProps>>,
): JSONSchemaProps {
  return obj(
    description,
    {
      conditions: list('Conditions holds the conditions of the object.', conditionSchema),
      lastHandledReconcileAt: str(
        'The last manual reconciliation request (the value of the reconcile.fluxcd.io/requestedAt annotation) handled.',
      ),
      observedGeneration: int64('The last observed generation of the object.'),
      ...properties,
    },
    { default: { observedGeneration: -1 } },
  )
}
