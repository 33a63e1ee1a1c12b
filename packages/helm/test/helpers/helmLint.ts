// Many error cases through one helm process: `helm lint DIR...` renders every chart with the same
// engine `helm template` uses and prints each chart's first template error as `[ERROR] templates/:
// <message>`, the text `helm template` prints after `Error: `. Lint mode differs from template
// mode only in `required` and `fail` (they log instead of failing) and in checking the rendered
// YAML itself, so cases that depend on those run through `helm template` instead.
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { KUBE_VERSION, helmBinary } from './helmBinary.js'

/** Whether a template text needs `helm template` (lint mode would not fail on it the same way). */
export function needsTemplateRun(text: string): boolean {
  return /\b(required|fail)\b/.test(text) || !text.includes('{{')
}

/** Runs `helm lint` over chart directories; returns each directory's first template error, or `undefined`. */
export function helmLintErrors(dirs: readonly string[]): Promise<Map<string, string | undefined>> {
  const helm = helmBinary()
  if (helm === undefined) return Promise.reject(new Error('helm oracle unavailable'))
  const env = { PATH: process.env.PATH ?? '', HELM_CACHE_HOME: join(dirs[0] ?? '.', '.cache'), HELM_CONFIG_HOME: join(dirs[0] ?? '.', '.config') }
  return new Promise((resolve, reject) => {
    execFile(helm, ['lint', ...dirs, '--kube-version', KUBE_VERSION], { env, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }, (err, stdout) => {
      if (err !== null && stdout === '') {
        reject(new Error(`helm lint failed: ${err.message}`))
        return
      }
      const out = new Map<string, string | undefined>()
      for (const block of stdout.split(/^==> Linting /m).slice(1)) {
        const newline = block.indexOf('\n')
        const dir = block.slice(0, newline)
        const m = /^\[ERROR\] templates\/: ([\s\S]*?)\n(?=\n|\[|$)/m.exec(block.slice(newline + 1))
        out.set(dir, m?.[1])
      }
      resolve(out)
    })
  })
}
