// The harness of the fault suites: render a chart that must fail, and check that the failure is a
// typed error and that the file system is byte for byte as it was.
import { isGitOpsError } from '@gitops-sdk/core'
import type { MemoryFileSystem } from '@gitops-sdk/core'
import { expect } from 'vitest'
import { renderChart } from '../../src/index.js'

/** Every file of `fs` with its bytes (base64), in walk order: equal listings mean nothing changed. */
async function snapshot(fs: MemoryFileSystem): Promise<string> {
  const out: string[] = []
  const walk = async (dir: string): Promise<void> => {
    for (const e of await fs.readdir(dir)) {
      const p = dir === '' ? e.name : `${dir}/${e.name}`
      if (e.type === 'directory') await walk(p)
      else out.push(`${p}:${Buffer.from(await fs.readFile(p)).toString('base64')}`)
    }
  }
  await walk('')
  return out.join('\n')
}

/** Renders `chart` (default 'c') from `fs`, expects a GitOpsError, and returns its code and message. */
export async function chartRejection(fs: MemoryFileSystem, options: { readonly chart?: string; readonly values?: Record<string, unknown> | undefined } = {}): Promise<{ code: string; message: string }> {
  const before = await snapshot(fs)
  try {
    await renderChart(options.chart ?? 'c', { fs, values: options.values })
  } catch (err) {
    expect(await snapshot(fs)).toBe(before)
    if (isGitOpsError(err)) return { code: err.code, message: err.message }
    throw err
  }
  throw new Error('expected renderChart to fail')
}
