// The media types and annotations of a Flux artifact, as `flux push artifact` writes them and
// Flux's OCIRepository reads them.

/** Media type of the layer holding the files: a gzipped tarball. */
export const FLUX_CONTENT_MEDIA_TYPE = 'application/vnd.cncf.flux.content.v1.tar+gzip'
/** Media type of the artifact's config blob (`{}`). */
export const FLUX_CONFIG_MEDIA_TYPE = 'application/vnd.cncf.flux.config.v1+json'
/** Media type of the manifest. */
export const OCI_MANIFEST_MEDIA_TYPE = 'application/vnd.oci.image.manifest.v1+json'
/** Annotation naming where the content came from (a git URL). */
export const SOURCE_ANNOTATION = 'org.opencontainers.image.source'
/** Annotation naming the content's revision (`main@sha1:…`). */
export const REVISION_ANNOTATION = 'org.opencontainers.image.revision'
/** Annotation holding when the artifact was made, RFC 3339. */
export const CREATED_ANNOTATION = 'org.opencontainers.image.created'
