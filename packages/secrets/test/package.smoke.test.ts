import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { describePackageSmoke } from '../../../testing/packageSmoke.js'
import * as index from '../src/index.js'
import { requireSdkImports } from '../tsup.requireSdk.config.js'

const dir = new URL('..', import.meta.url).pathname

describePackageSmoke(dir, { index })

describe('the CommonJS build requires @gitops-sdk packages, never imports them', () => {
  it('rewrites every dynamic import of one, whatever the quotes, spacing and entry', () => {
    const code = [
      'const a = await import("@gitops-sdk/core");',
      "const b = await import('@gitops-sdk/core/yaml');",
      'const c = await import( "@gitops-sdk/core/light" );',
      'const d = await import("age-encryption");',
    ].join('\n')
    expect(requireSdkImports(code)).toBe(
      [
        'const a = await Promise.resolve().then(() => require("@gitops-sdk/core"));',
        'const b = await Promise.resolve().then(() => require("@gitops-sdk/core/yaml"));',
        'const c = await Promise.resolve().then(() => require("@gitops-sdk/core/light"));',
        'const d = await import("age-encryption");',
      ].join('\n'),
    )
  })

  it('fails (so the build fails) on one it cannot rewrite', () => {
    expect(() => requireSdkImports('x\nconst a = await import(`@gitops-sdk/core`);')).toThrow(/line 2 .*cannot rewrite/)
    expect(() => requireSdkImports('const a = await import("@gitops-sdk/core\'");')).toThrow(/cannot rewrite/)
  })

  const built = join(dir, 'dist', 'index.cjs')
  it.skipIf(!existsSync(built))('as built: no import() of one is left, and errors of the core it loads on use are instanceof the required core', () => {
    expect(readFileSync(built, 'utf8')).not.toMatch(/import\(\s*["'`]@gitops-sdk\//)
    // decryptGeneratorInputs loads core's main entry on first use; the kustomization's parse error
    // (a CoreError from that entry) is the cause of the SopsError.
    const script = `
      const { createRequire } = require('node:module')
      const req = createRequire(${JSON.stringify(built)})
      const secrets = req(${JSON.stringify(built)})
      const core = req('@gitops-sdk/core')
      const light = req('@gitops-sdk/core/light')
      const fs = core.memoryFs({ 'app/kustomization.yaml': 'resources: [\\n  - a: {\\n' })
      secrets.decryptGeneratorInputs('app', { fs }).then(
        () => process.stdout.write('no error'),
        (err) => process.stdout.write(String(err.code) + ' ' + String(
          err instanceof light.GitOpsError && err instanceof core.GitOpsError &&
          err.cause instanceof core.GitOpsError && err.cause instanceof light.GitOpsError && err.cause instanceof core.CoreError)),
      )`
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' })
    expect(result.stderr).toBe('')
    expect(result.stdout).toBe('SOPS_INPUT_INVALID true')
  })
})
