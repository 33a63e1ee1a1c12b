// The schema of kustomize.toolkit.fluxcd.io/v1 Kustomization, written from the types in
// ../kustomization.ts. It is Flux's wire contract: same field names, types and constraints.
import type { JSONSchemaProps } from '../jsonSchema.js'
import { bool, commonStatus, duration, int64, list, localRef, obj, str, stringMap } from './build.js'

const selector: JSONSchemaProps = obj('Selects Kubernetes objects by their group, version, kind, name, namespace, labels and annotations.', {
  annotationSelector: str('A label-selector expression matched against the annotations of objects.'),
  group: str('API group of the objects.'),
  kind: str('Kind of the objects.'),
  labelSelector: str('A label-selector expression matched against the labels of objects.'),
  name: str('Name of the objects (a regular expression).'),
  namespace: str('Namespace of the objects (a regular expression).'),
  version: str('API version of the objects.'),
})

const spec: JSONSchemaProps = obj(
  'KustomizationSpec is what to build and apply, from which source, how often.',
  {
    buildMetadata: list(
      'Build metadata kustomize adds to the objects it builds.',
      str('One kind of build metadata.', { enum: ['originAnnotations', 'transformerAnnotations'] }),
    ),
    commonMetadata: obj('Labels and annotations added to every object applied.', {
      annotations: stringMap('Annotations added to every object.'),
      labels: stringMap('Labels added to every object.'),
    }),
    components: list('Kustomize components added to the build, relative to the path.', str('Path of a component.')),
    decryption: obj(
      'How to decrypt SOPS-encrypted manifests.',
      {
        provider: str('The decryption provider.', { enum: ['sops'] }),
        secretRef: localRef('A Secret in the Kustomization namespace holding the decryption keys.'),
        serviceAccountName: str('A service account used to reach a cloud key service.'),
      },
      { required: ['provider'] },
    ),
    deletionPolicy: str('What happens to the applied objects when the Kustomization is deleted.', {
      enum: ['MirrorPrune', 'Delete', 'WaitForTermination', 'Orphan'],
    }),
    dependsOn: list(
      'Kustomizations that must be ready before this one is reconciled.',
      obj(
        'A reference to a Kustomization, in any namespace.',
        {
          name: str('Name of the referent.'),
          namespace: str('Namespace of the referent; defaults to the namespace of the dependant.'),
          readyExpr: str('A CEL expression that tells when the dependency is ready.'),
        },
        { required: ['name'] },
      ),
    ),
    force: bool('Re-create objects whose immutable fields changed instead of failing.', { default: false }),
    healthCheckExprs: list(
      'CEL expressions that compute the health of custom resources.',
      obj(
        'Health expressions for one kind.',
        {
          apiVersion: str('API version of the kind.'),
          current: str('A CEL expression true when the object is healthy.'),
          failed: str('A CEL expression true when the object failed.'),
          inProgress: str('A CEL expression true while the object progresses.'),
          kind: str('The kind the expressions apply to.'),
        },
        { required: ['apiVersion', 'current'] },
      ),
    ),
    healthChecks: list(
      'Objects whose readiness is waited for after apply.',
      obj(
        'A reference to one object.',
        {
          apiVersion: str('API version of the referent.'),
          kind: str('Kind of the referent.'),
          name: str('Name of the referent.'),
          namespace: str('Namespace of the referent.'),
        },
        { required: ['kind', 'name'] },
      ),
    ),
    ignore: list(
      'Fields of applied objects that drift detection and apply leave alone.',
      obj(
        'JSON pointers to ignore on the selected objects.',
        { paths: list('JSON pointers of the fields.', str('A JSON pointer.')), target: selector },
        { required: ['paths'] },
      ),
    ),
    ignoreMissingComponents: bool('Skip components that are not found instead of failing.'),
    images: list(
      'Image overrides, as kustomize images.',
      obj(
        'One image override.',
        {
          digest: str('The digest replacing the tag.'),
          name: str('The image name to match.'),
          newName: str('The new image name.'),
          newTag: str('The new tag.'),
        },
        { required: ['name'] },
      ),
    ),
    interval: duration('How often the Kustomization is reconciled.'),
    kubeConfig: obj(
      'A kubeconfig for applying to a remote cluster.',
      {
        configMapRef: localRef('A ConfigMap with the cluster address and workload identity settings.'),
        secretRef: obj(
          'A Secret holding a kubeconfig.',
          { key: str('Key of the kubeconfig in the Secret.'), name: str('Name of the Secret.') },
          { required: ['name'] },
        ),
      },
      {
        'x-kubernetes-validations': [
          {
            message: 'exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef must be specified',
            rule: 'has(self.configMapRef) || has(self.secretRef)',
          },
          {
            message: 'exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef must be specified',
            rule: '!has(self.configMapRef) || !has(self.secretRef)',
          },
        ],
      },
    ),
    namePrefix: str('A prefix added to the names of all objects.', { maxLength: 200, minLength: 1 }),
    nameSuffix: str('A suffix added to the names of all objects.', { maxLength: 200, minLength: 1 }),
    patches: list(
      'Strategic merge and JSON patches applied to the built objects.',
      obj('One patch and its target.', { patch: str('The patch, inline YAML or JSON.'), target: selector }, { required: ['patch'] }),
    ),
    path: str('Path of the kustomization directory in the source; defaults to its root.'),
    postBuild: obj('Variable substitution after the build.', {
      substitute: stringMap('Variables and their values.'),
      substituteFrom: list(
        'ConfigMaps and Secrets whose data are variables.',
        obj(
          'A ConfigMap or Secret in the Kustomization namespace.',
          {
            kind: str('Kind of the referent.', { enum: ['Secret', 'ConfigMap'] }),
            name: str('Name of the referent.', { maxLength: 253, minLength: 1 }),
            optional: bool('Go on when the referent does not exist.', { default: false }),
          },
          { required: ['kind', 'name'] },
        ),
      ),
      substituteStrategy: str('When to substitute.', { enum: ['WithVariables', 'Always'] }),
    }),
    prune: bool('Delete the objects a previous revision applied and this one lacks.'),
    retryInterval: duration('How soon to retry after a failure; defaults to the interval.'),
    serviceAccountName: str('The service account impersonated for apply and prune.'),
    sourceRef: obj(
      'The source holding the manifests.',
      {
        apiVersion: str('API version of the referent.'),
        kind: str('Kind of the referent.', { enum: ['OCIRepository', 'GitRepository', 'Bucket', 'ExternalArtifact'] }),
        name: str('Name of the referent.'),
        namespace: str('Namespace of the referent; defaults to the namespace of the Kustomization.'),
      },
      { required: ['kind', 'name'] },
    ),
    suspend: bool('Stop reconciling; the applied objects stay as they are.'),
    targetNamespace: str('A namespace set on all namespaced objects.', { maxLength: 63, minLength: 1 }),
    timeout: duration('Deadline of one reconcile (build, apply, health checks); defaults to the interval.'),
    wait: bool('Wait for every applied object to be ready.'),
  },
  { required: ['interval', 'prune', 'sourceRef'] },
)

const status: JSONSchemaProps = commonStatus('KustomizationStatus is the observed state of a Kustomization.', {
  history: list(
    'The last reconciliations, one entry per distinct build digest.',
    obj(
      'One reconciliation snapshot.',
      {
        digest: str('Digest of the objects applied.'),
        firstReconciled: str('When this digest was first reconciled.', { format: 'date-time' }),
        lastReconciled: str('When this digest was last reconciled.', { format: 'date-time' }),
        lastReconciledDuration: str('How long the last reconciliation took.'),
        lastReconciledStatus: str('The result of the last reconciliation.'),
        metadata: stringMap('Facts about the reconciliation, such as the revision.'),
        totalReconciliations: int64('How many times this digest was reconciled.'),
      },
      {
        required: [
          'digest',
          'firstReconciled',
          'lastReconciled',
          'lastReconciledDuration',
          'lastReconciledStatus',
          'totalReconciliations',
        ],
      },
    ),
  ),
  inventory: obj(
    'The objects applied by the last successful reconciliation.',
    {
      entries: list(
        'One entry per object.',
        obj(
          'An object, as <namespace>_<name>_<group>_<kind>, and its API version.',
          { id: str('Namespace, name, group and kind, separated by underscores.'), v: str('API version of the object.') },
          { required: ['id', 'v'] },
        ),
      ),
    },
    { required: ['entries'] },
  ),
  lastAppliedOriginRevision: str('The origin revision (from the source metadata) last applied.'),
  lastAppliedRevision: str('The source revision last applied.'),
  lastAttemptedRevision: str('The source revision last attempted.'),
})

/** The `openAPIV3Schema` of Kustomization v1. */
export const kustomizationSchema: JSONSchemaProps = obj('Kustomization is the Schema for the kustomizations API.', {
  apiVersion: str('APIVersion defines the versioned schema of this representation of an object.'),
  kind: str('Kind is a string value representing the REST resource this object represents.'),
  metadata: { type: 'object' },
  spec,
  status,
})
