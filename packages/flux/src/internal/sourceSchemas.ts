// The schemas of source.toolkit.fluxcd.io/v1 GitRepository and OCIRepository, written from the
// types in ../gitRepository.ts and ../ociRepository.ts; Flux's wire contract.
import type { JSONSchemaProps } from '../jsonSchema.js'
import { artifactSchema, bool, commonStatus, duration, list, localRef, obj, str } from './build.js'

const apiVersion = str('APIVersion defines the versioned schema of this representation of an object.')
const kind = str('Kind is a string value representing the REST resource this object represents.')
const sourceTimeout = str('Deadline of one fetch.', { default: '60s', pattern: '^([0-9]+(\\.[0-9]+)?(ms|s|m))+$' })

const gitInclude: JSONSchemaProps = obj(
  'Another GitRepository whose artifact is copied into this one.',
  {
    fromPath: str('Path in the included artifact to copy from; defaults to its root.'),
    repository: localRef('The GitRepository to include, in the same namespace.'),
    toPath: str('Path in this artifact to copy to; defaults to the name of the included repository.'),
  },
  { required: ['repository'] },
)

const gitSpec: JSONSchemaProps = obj(
  'GitRepositorySpec says which repository to fetch, at which reference, how often.',
  {
    ignore: str('Patterns in .gitignore format of files left out of the artifact; replaces the defaults.'),
    include: list('GitRepositories whose artifacts are copied into this one.', gitInclude),
    interval: duration('How often the repository is checked for a new revision.'),
    provider: str('Who authenticates: generic (secretRef) or a cloud identity.', {
      enum: ['generic', 'aws', 'azure', 'github'],
    }),
    proxySecretRef: localRef('A Secret with the address and credentials of an HTTP/S proxy.'),
    recurseSubmodules: bool('Fetch submodules too.'),
    ref: obj('The reference to check out; defaults to the master branch.', {
      branch: str('A branch.'),
      commit: str('A commit SHA; with a branch, the commit must be on it.'),
      name: str('A reference name (refs/heads/main, refs/tags/v1, refs/pull/1/head).'),
      semver: str('A semver range over the tags.'),
      tag: str('A tag.'),
    }),
    secretRef: localRef('A Secret with credentials: username/password or bearer token for HTTPS, identity and known_hosts for SSH.'),
    serviceAccountName: str('A service account whose cloud identity authenticates (aws, azure).'),
    sparseCheckout: list('Directories to check out; all when empty.', str('A directory.')),
    suspend: bool('Stop checking for new revisions.'),
    timeout: sourceTimeout,
    url: str('Address of the repository.', { pattern: '^(http|https|ssh)://.*$' }),
    verify: obj(
      'Verify the OpenPGP or SSH signature of the commit or tag before producing an artifact.',
      {
        mode: str('What to verify: the HEAD commit, the tag, or both.', {
          default: 'HEAD',
          enum: ['head', 'HEAD', 'Tag', 'TagAndHEAD'],
        }),
        secretRef: localRef('A Secret holding the trusted public keys.'),
      },
      { required: ['secretRef'] },
    ),
  },
  {
    required: ['interval', 'url'],
    'x-kubernetes-validations': [
      {
        message: "serviceAccountName can only be set when provider is 'azure' or 'aws'",
        rule: "!has(self.serviceAccountName) || (has(self.provider) && (self.provider == 'azure' || self.provider == 'aws'))",
      },
    ],
  },
)

const gitStatus: JSONSchemaProps = commonStatus('GitRepositoryStatus is the observed state of a GitRepository.', {
  artifact: artifactSchema,
  includedArtifacts: list('The artifacts of the included repositories.', artifactSchema),
  observedIgnore: str('The ignore patterns used for the current artifact.'),
  observedInclude: list('The include list used for the current artifact.', gitInclude),
  observedRecurseSubmodules: bool('Whether submodules were fetched for the current artifact.'),
  observedSparseCheckout: list('The sparse checkout used for the current artifact.', str('A directory.')),
  sourceVerificationMode: str('What was verified for the current artifact.'),
})

/** The `openAPIV3Schema` of GitRepository v1. */
export const gitRepositorySchema: JSONSchemaProps = obj('GitRepository is the Schema for the gitrepositories API.', {
  apiVersion,
  kind,
  metadata: { type: 'object' },
  spec: gitSpec,
  status: gitStatus,
})

const layerSelector: JSONSchemaProps = obj('Which layer of the OCI artifact holds the content.', {
  mediaType: str('Media type of the layer; the first layer when empty.'),
  operation: str('Extract the layer (a tarball) or copy it as it is.', { enum: ['extract', 'copy'] }),
})

const ociSpec: JSONSchemaProps = obj(
  'OCIRepositorySpec says which OCI artifact to pull, at which reference, how often.',
  {
    certSecretRef: localRef('A Secret with a CA and client certificate for the registry.'),
    ignore: str('Patterns in .gitignore format of files left out of the artifact.'),
    insecure: bool('Allow plain HTTP to the registry.'),
    interval: duration('How often the registry is checked for a new digest.'),
    layerSelector,
    provider: str('Who authenticates: generic (secretRef) or a cloud identity.', {
      default: 'generic',
      enum: ['generic', 'aws', 'azure', 'gcp'],
    }),
    proxySecretRef: localRef('A Secret with the address and credentials of an HTTP/S proxy.'),
    ref: obj('The artifact reference; defaults to the latest tag.', {
      digest: str('A manifest digest; takes precedence over the others.'),
      semver: str('A semver range over the tags; takes precedence over tag.'),
      semverFilter: str('A regular expression the tags must match before the semver range applies.'),
      tag: str('A tag.'),
    }),
    secretRef: localRef('A Secret of type kubernetes.io/dockerconfigjson with registry credentials.'),
    serviceAccountName: str('A service account whose image pull secrets authenticate.'),
    suspend: bool('Stop checking for new digests.'),
    timeout: sourceTimeout,
    url: str('Address of the artifact repository, oci://host/path.', { pattern: '^oci://.*$' }),
    verify: obj(
      'Verify the signature of the artifact before producing an artifact.',
      {
        matchOIDCIdentity: list(
          'Identities a keyless signature must match.',
          obj(
            'An OIDC issuer and subject, as regular expressions.',
            { issuer: str('The issuer.'), subject: str('The subject.') },
            { required: ['issuer', 'subject'] },
          ),
        ),
        provider: str('The verification tool.', { default: 'cosign', enum: ['cosign', 'notation'] }),
        secretRef: localRef('A Secret holding the trusted public keys.'),
        trustedRootSecretRef: localRef('A Secret holding a trusted root for keyless verification.'),
      },
      { required: ['provider'] },
    ),
  },
  { required: ['interval', 'url'] },
)

const ociStatus: JSONSchemaProps = commonStatus('OCIRepositoryStatus is the observed state of an OCIRepository.', {
  artifact: artifactSchema,
  observedIgnore: str('The ignore patterns used for the current artifact.'),
  observedLayerSelector: layerSelector,
  url: str('The address of the current artifact in the source controller storage.'),
})

/** The `openAPIV3Schema` of OCIRepository v1. */
export const ociRepositorySchema: JSONSchemaProps = obj('OCIRepository is the Schema for the ocirepositories API.', {
  apiVersion,
  kind,
  metadata: { type: 'object' },
  spec: ociSpec,
  status: ociStatus,
})
