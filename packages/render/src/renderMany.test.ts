import { memoryFs } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { isRenderError, render, renderMany } from './index.js'

const cm = (name: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  k: v\n`

const files = {
  'a/kustomization.yaml': 'resources: [cm.yaml]\nnamePrefix: a-\n',
  'a/cm.yaml': cm('one'),
  'broken/kustomization.yaml': 'resources: [missing.yaml]\n',
  'b/kustomization.yaml': 'resources: [cm.yaml]\ncommonLabels: {team: b}\n',
  'b/cm.yaml': cm('two'),
}

describe('renderMany', () => {
  it('builds every root as render builds it, in order, and reports a failing root in its entry without stopping', async () => {
    const fs = memoryFs(files)
    const seen: string[] = []
    const results = await renderMany(['a', 'broken', 'b'], { fs, onResult: (r) => seen.push(r.root) })
    expect(results.map((r) => r.root)).toEqual(['a', 'broken', 'b'])
    expect(seen).toEqual(['a', 'broken', 'b'])
    expect(results[0]?.objects).toEqual(await render('a', { fs }))
    expect(results[2]?.objects).toEqual(await render('b', { fs }))
    const failed = results[1]?.error
    expect(isRenderError(failed)).toBe(true)
    expect(failed).toMatchObject({ code: 'RENDER_FILE_NOT_FOUND', message: expect.stringContaining('broken') as unknown })
  })

  it('stops at the first failure with stopOnError', async () => {
    const results = await renderMany(['a', 'broken', 'b'], { fs: memoryFs(files), stopOnError: true })
    expect(results.map((r) => [r.root, r.error === undefined])).toEqual([
      ['a', true],
      ['broken', false],
    ])
  })

  it('tells each warning with its root', async () => {
    const warnings: [string, string][] = []
    await renderMany(['b'], { fs: memoryFs(files), onWarning: (message, root) => warnings.push([root, message]) })
    expect(warnings.length).toBeGreaterThan(0)
    expect(warnings.every(([root]) => root === 'b')).toBe(true)
  })

  it('rejects with the signal reason when aborted, and refuses malformed arguments', async () => {
    const controller = new AbortController()
    const reason = new Error('stop')
    controller.abort(reason)
    await expect(renderMany(['a'], { fs: memoryFs(files), signal: controller.signal })).rejects.toBe(reason)
    await expect(renderMany('a' as unknown as string[], { fs: memoryFs(files) })).rejects.toThrow(TypeError)
    await expect(renderMany(['a'], {} as never)).rejects.toThrow(TypeError)
  })
})
