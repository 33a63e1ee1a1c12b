// `npm run demo` is the README's main job: this runs the same tour in process.
import { describe, expect, it } from 'vitest'
import { runDemo } from '../../src/demo.js'

describe('npm run demo', () => {
  it('tells the whole tour: reconcile, commit, drift named by its manager, correction', async () => {
    let out = ''
    let err = ''
    const code = await runDemo([], {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
      env: { ...process.env, NO_COLOR: '1' },
    })
    expect(err).toBe('')
    expect(code).toBe(0)
    expect(out).toContain('Secret/prod/db-credentials created')
    expect(out).toContain('Deployment/prod/web configured: changed .spec.replicas')
    expect(out).toContain('Service/prod/cache deleted')
    expect(out).toMatch(/@@ \.spec\.replicas @@ owned by kubectl(-scale)?\n\s+-7\n\s+\+2/)
    expect(out).toContain('drift corrected in Deployment/prod/web')
    expect(out).toContain('Deployment/prod/web has 2 replicas again.')
    expect(out).not.toContain('correct-horse-battery-staple')
  }, 120_000)

  it('prints the status of every reconcile as JSON with -o json, the tour going to stderr', async () => {
    let out = ''
    let err = ''
    const code = await runDemo(['-o', 'json'], {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
      env: { ...process.env, NO_COLOR: '1' },
    })
    expect(code).toBe(0)
    expect(err).toContain('1. Set up')
    const { reconciles } = JSON.parse(out) as { reconciles: { ready: string; drifted: unknown[] }[] }
    expect(reconciles.map((r) => r.ready)).toEqual(['True', 'True', 'True'])
    expect(reconciles[2]?.drifted).toHaveLength(1)
  }, 120_000)
})
