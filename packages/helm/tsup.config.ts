import { packageBuild } from '../../tsup.shared.js'

// One entry, so nothing to share between chunks: without splitting, tsup writes esbuild's CommonJS
// as it is. With splitting, tsup converts the ES module build to CommonJS through sucrase, which
// also rewrites every `?.` and `??` into a helper call with a closure; `gitops template` and the
// fleet build load this CommonJS build, and in a short process most of the renderer runs cold, so
// those helpers cost a measurable share of a render.
export default packageBuild({ entry: ['src/index.ts'] }).map((options) => ({ ...options, splitting: false }))
