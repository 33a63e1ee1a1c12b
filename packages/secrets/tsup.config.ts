import type { Options } from 'tsup'
import { packageBuild } from '../../tsup.shared.js'

type TsupPlugin = NonNullable<Options['plugins']>[number]

/**
 * Core's main entry is loaded on first use (decryptManifests, decryptRendered, the kustomization
 * readers), not at load: `decrypt` needs only its light, Go and YAML entries. esbuild keeps
 * `import()` in a one-entry CommonJS build, which would load core's ES module build there, a
 * second copy of its classes beside the CommonJS one that the rest of this build requires (an
 * error from one would fail `instanceof` against the other). So the CommonJS build requires it.
 */
const requireCore: TsupPlugin = {
  name: 'secrets-require-core',
  renderChunk(code) {
    if (this.format !== 'cjs') return undefined
    const out = code.replaceAll('import("@gitops-sdk/core")', 'Promise.resolve().then(() => require("@gitops-sdk/core"))')
    return out === code ? undefined : { code: out }
  },
}

export default packageBuild({ entry: ['src/index.ts'] }).map((build): Options => ({ ...build, plugins: [...(build.plugins ?? []), requireCore] }))
