// YAML from the network nested too deep to parse: a repository's index.yaml and a pulled chart's
// Chart.yaml are refused with a typed error naming the URL (without credentials) before the `yaml`
// package's parser, which recurses once per level, sees them; nothing more is fetched or returned.
// The inputs that used to abort Node outright ("RegExpCompiler Allocation failed") run in a child
// process, so that a regression fails these tests instead of killing the runner.
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runIsolated } from '../../../../testing/isolated.js'
import { fetchOciChart, fetchRepositoryChart } from '../../src/index.js'
import { chartArchive, indexYaml, sha256, startChartRepository, tgz } from '../helpers/chartRepository.js'
import type { ChartRepositoryServer } from '../helpers/chartRepository.js'
import { memoryOciRepository } from '../helpers/ociRepository.js'
import { typedRejection } from '../helpers/typedFailure.js'

const packageDir = fileURLToPath(new URL('../..', import.meta.url))
const tooDeep = /: line \d+: nested more than 512 levels deep, the deepest the YAML parser composes$/u

/** The texts that aborted Node in `yaml.parse`, as JavaScript expressions for the child. */
const abortingIndexes = ["'apiVersion: v1\\nentries: ' + '['.repeat(1e5)", "`apiVersion: v1\\nentries:\\n${'- '.repeat(2e5)}\\n`"]

interface Outcome {
  readonly code?: string
  readonly message?: string
  readonly json?: string
  readonly returned?: boolean
  readonly requests?: readonly string[]
}

/** Runs `body` (which prints one JSON Outcome per case) in a child process; each printed line parsed. */
async function isolated(body: string): Promise<Outcome[]> {
  const run = await runIsolated(body, packageDir)
  expect(run.stderr).not.toMatch(/FATAL|RangeError/u)
  expect([run.status, run.signal]).toEqual([0, null])
  return run.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Outcome)
}

describe('YAML nested too deep from a chart repository', () => {
  let repo: ChartRepositoryServer
  beforeAll(async () => {
    repo = await startChartRepository()
  })
  afterAll(() => repo.close())

  it('refuses the index texts that aborted Node, as HELM_SOURCE_FAILED naming the URL without credentials, in a child process', async () => {
    const outcomes = await isolated(`
      import { isGitOpsError } from '@gitops-sdk/core'
      import { fetchRepositoryChart } from './src/index.ts'
      for (const body of [${abortingIndexes.join(', ')}]) {
        const requests = []
        const fetch = async (url) => {
          requests.push(String(url))
          return new Response(body, { status: 200 })
        }
        try {
          await fetchRepositoryChart('https://ci:hunter2@charts.example.com/', { chart: 'web', fetch })
          console.log(JSON.stringify({ returned: true, requests }))
        } catch (err) {
          if (!isGitOpsError(err)) throw err
          console.log(JSON.stringify({ code: err.code, message: err.message, json: JSON.stringify(err.toJSON()), requests }))
        }
      }
    `)
    expect(outcomes).toHaveLength(2)
    for (const outcome of outcomes) {
      expect(outcome.code).toBe('HELM_SOURCE_FAILED')
      expect(outcome.message).toMatch(/^https:\/\/charts\.example\.com\/index\.yaml: line [23]: nested more than \d+ levels deep/u)
      expect(outcome.json).not.toContain('hunter2')
      // Only the index was asked for: no archive was downloaded.
      expect(outcome.requests).toEqual(['https://charts.example.com/index.yaml'])
    }
  })

  it('refuses an index nested past the limit before parsing it, and fetches nothing more', async () => {
    repo.routes.set('/deep/index.yaml', { body: `apiVersion: v1\nentries:\n  web:\n${'  '.repeat(2)}- ${'['.repeat(600)}${']'.repeat(600)}\n` })
    const f = await typedRejection(fetchRepositoryChart(`${repo.url}/deep`, { chart: 'web' }))
    expect(f.code).toBe('HELM_SOURCE_FAILED')
    expect(f.message).toMatch(new RegExp(`^${repo.url.replace(/[.]/gu, '\\.')}/deep/index\\.yaml: line 4: nested more than 512`, 'u'))
    expect(f.message).toMatch(tooDeep)
    expect(repo.requests.filter((r) => r.path.startsWith('/deep/')).map((r) => r.path)).toEqual(['/deep/index.yaml'])
  })

  it('reads as before an index whose brackets inside quotes trip the quick scan but nest nothing', async () => {
    const archive = chartArchive('web', '1.0.0')
    const index = indexYaml({ web: [{ version: '1.0.0', url: 'web-1.0.0.tgz', digest: sha256(archive) }] })
    repo.routes.set('/quoted/index.yaml', { body: `${index}# ${'['.repeat(2000)}\ngenerated: "${'{'.repeat(2000)}"\n` })
    repo.routes.set('/quoted/web-1.0.0.tgz', { body: archive })
    const chart = await fetchRepositoryChart(`${repo.url}/quoted`, { chart: 'web' })
    expect([chart.version, chart.files.has('Chart.yaml')]).toEqual(['1.0.0', true])
  })
})

describe('YAML nested too deep in a chart pulled from an OCI registry', () => {
  const url = 'oci://registry.example/charts/web'

  it('refuses the Chart.yaml texts that aborted Node, as HELM_CHART_INVALID naming the reference, in a child process', async () => {
    const outcomes = await isolated(`
      import { isGitOpsError } from '@gitops-sdk/core'
      import { fetchOciChart } from './src/index.ts'
      import { tgz } from './test/helpers/chartRepository.ts'
      import { memoryOciRepository } from './test/helpers/ociRepository.ts'
      const texts = ['name: web\\nversion: ' + '['.repeat(1e5), \`name: web\\nversion:\\n\${'- '.repeat(2e5)}\\n\`]
      for (const text of texts) {
        const repo = memoryOciRepository('${url}')
        const digest = repo.pushChart('1.0.0', tgz([{ name: 'web/Chart.yaml', content: text }]))
        try {
          const chart = await fetchOciChart('${url}@' + digest, { openRepository: () => repo })
          console.log(JSON.stringify({ returned: true, message: chart.version }))
        } catch (err) {
          if (!isGitOpsError(err)) throw err
          console.log(JSON.stringify({ code: err.code, message: err.message }))
        }
      }
    `)
    expect(outcomes).toHaveLength(2)
    for (const outcome of outcomes) {
      expect(outcome.code).toBe('HELM_CHART_INVALID')
      expect(outcome.message).toMatch(/^oci:\/\/registry\.example\/charts\/web@sha256:[0-9a-f]{64}: Chart\.yaml: line [23]: nested more than \d+ levels deep/u)
    }
  })

  it('refuses a Chart.yaml nested past the limit in a chart fetched by digest, and returns no files', async () => {
    const repo = memoryOciRepository(url)
    const digest = repo.pushChart('1.0.0', tgz([{ name: 'web/Chart.yaml', content: `name: web\nversion: 1.0.0\nkeywords: ${'['.repeat(600)}${']'.repeat(600)}\n` }]))
    const f = await typedRejection(fetchOciChart(`${url}@${digest}`, { openRepository: () => repo }))
    expect(f.code).toBe('HELM_CHART_INVALID')
    expect(f.message).toBe(`${url}@${digest}: Chart.yaml: line 3: nested more than 512 levels deep, the deepest the YAML parser composes`)
  })

  it('reads the version as before from a Chart.yaml whose quoted brackets trip the quick scan', async () => {
    const repo = memoryOciRepository(url)
    const digest = repo.pushChart('1.0.0', tgz([{ name: 'web/Chart.yaml', content: `name: web\ndescription: "${'['.repeat(2000)}"\nversion: 1.2.3\n` }]))
    const chart = await fetchOciChart(`${url}@${digest}`, { openRepository: () => repo })
    expect(chart.version).toBe('1.2.3')
  })
})
