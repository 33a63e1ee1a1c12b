import type { Options } from 'tsup'

type TsupPlugin = NonNullable<Options['plugins']>[number]

/** `import("@gitops-sdk/…")` with either quote and any spacing, as esbuild may print it. */
const SDK_IMPORT = /import\(\s*(["'])(@gitops-sdk\/[^"']+)\1\s*\)/g
/** Whatever is left of one after the rewrite, template literals included. */
const SDK_IMPORT_LEFT = /import\(\s*["'`]@gitops-sdk\//

/**
 * The CommonJS output with every dynamic import of a `@gitops-sdk/*` package turned into a
 * `require`. Throws when one is left that it could not rewrite: such an `import()` would load the
 * ES module build of that package beside the CommonJS one the rest of the output requires.
 */
export function requireSdkImports(code: string): string {
  const out = code.replace(SDK_IMPORT, (_match, _quote: string, id: string) => `Promise.resolve().then(() => require(${JSON.stringify(id)}))`)
  const left = SDK_IMPORT_LEFT.exec(out)
  if (left !== null) {
    const line = out.slice(0, left.index).split('\n').length
    throw new Error(`secrets-require-sdk: line ${line} of the CommonJS output still has a dynamic import of a @gitops-sdk package it cannot rewrite`)
  }
  return out
}

/**
 * Core's main entry is loaded on first use (decryptManifests, decryptRendered, the kustomization
 * readers), not at load: `decrypt` needs only its light, Go and YAML entries. esbuild keeps
 * `import()` in a one-entry CommonJS build, which would load core's ES module build there, a
 * second copy of its classes beside the CommonJS one that the rest of this build requires (an
 * error from one would fail `instanceof` against the other). So the CommonJS build requires it,
 * and the build fails if any such import is left.
 */
export const requireSdk: TsupPlugin = {
  name: 'secrets-require-sdk',
  renderChunk(code) {
    if (this.format !== 'cjs') return undefined
    const out = requireSdkImports(code)
    return out === code ? undefined : { code: out }
  },
}
