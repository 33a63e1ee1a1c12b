// Bad files handed to render: bytes that are not UTF-8, YAML bombs and deep nesting inside
// kustomization files and manifests, and a FIFO named as a resource. Each ends in a typed
// RenderError whose message names the file; none hangs, none leaves the input changed.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DirEntry, FileStat, FileSystem } from '@gitops-sdk/core'
import { memoryFs, nodeFs } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { isRenderError, render } from '../../src/index.js'

const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  k: v\n'
const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...new TextEncoder().encode(p)] : p)))

async function failure(root: string, fs: FileSystem): Promise<unknown> {
  return render(root, { fs }).then(
    () => undefined,
    (e: unknown) => e,
  )
}

function aliasBomb(): string {
  const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i)
    const cur = String.fromCharCode(97 + i)
    lines.push(`${cur}: &${cur} [${Array.from({ length: 10 }, () => `*${prev}`).join(',')}]`)
  }
  return `${lines.join('\n')}\n`
}

const deepFlow = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`

describe('render refuses bad files with a typed error naming the file', () => {
  it.each([
    { name: 'a resource', files: { 'kustomization.yaml': 'resources: [cm.yaml]\n', 'cm.yaml': bytes(configMap.replace('v\n', ''), [0xff, 0xfe, 0x0a]) }, file: 'cm.yaml' },
    { name: 'a kustomization file', files: { 'kustomization.yaml': bytes('namePrefix: ', [0xc3, 0x28], '\n'), 'cm.yaml': configMap }, file: 'kustomization.yaml' },
    { name: 'a base kustomization file', files: { 'kustomization.yaml': 'resources: [base]\n', 'base/kustomization.yaml': bytes('nameSuffix: x', [0x80], '\n') }, file: 'base/kustomization.yaml' },
    { name: 'a patch file', files: { 'kustomization.yaml': 'resources: [cm.yaml]\npatches: [{path: p.yaml}]\n', 'cm.yaml': configMap, 'p.yaml': bytes(configMap.replace('v\n', ''), [0xed, 0xa0, 0x80], '\n') }, file: 'p.yaml' },
    { name: 'an env file of a generator', files: { 'kustomization.yaml': 'configMapGenerator: [{name: g, envs: [a.env]}]\n', 'a.env': bytes('A=', [0xff], '\n') }, file: 'a.env' },
  ])('invalid UTF-8 in $name', async ({ files, file }) => {
    const fs = memoryFs(files)
    const snapshot = async (): Promise<[string, Uint8Array][]> => Promise.all(fs.paths().map(async (p) => [p, await fs.readFile(p)] as [string, Uint8Array]))
    const before = await snapshot()
    const err = await failure('.', fs)
    expect(isRenderError(err), String(err)).toBe(true)
    expect(err).toMatchObject({ code: expect.stringMatching(/^RENDER_(YAML_INVALID|GENERATOR_FAILED)$/) as unknown })
    expect((err as Error).message).toContain(file)
    expect(await snapshot()).toEqual(before)
  })

  it('keeps a generator file that is not UTF-8 as binaryData, as kustomize does', async () => {
    const fs = memoryFs({ 'kustomization.yaml': 'configMapGenerator: [{name: g, files: [blob.bin]}]\n', 'blob.bin': bytes([0xff, 0x00, 0xfe]) })
    const [cm] = await render('.', { fs })
    expect(cm?.binaryData).toEqual({ 'blob.bin': '/wD+' })
  })

  it('an alias bomb inside kustomization.yaml', async () => {
    const err = await failure('.', memoryFs({ 'kustomization.yaml': `${aliasBomb()}resources: []\n` }))
    expect(err).toMatchObject({ code: 'RENDER_YAML_INVALID' })
    expect((err as Error).message).toMatch(/^kustomization\.yaml: /)
  })

  it('an alias bomb inside a resource', async () => {
    const err = await failure('.', memoryFs({ 'kustomization.yaml': 'resources: [bomb.yaml]\n', 'bomb.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  x: y\n${aliasBomb()}` }))
    expect(err).toMatchObject({ code: 'RENDER_YAML_INVALID' })
    expect((err as Error).message).toContain('bomb.yaml')
  })

  it.each([
    { name: 'kustomization.yaml', files: { 'kustomization.yaml': `resources: ${deepFlow(20_000)}\n` } },
    { name: 'deep.yaml', files: { 'kustomization.yaml': 'resources: [deep.yaml]\n', 'deep.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\ndata: ${deepFlow(20_000)}\n` } },
    { name: 'kustomization.yaml', files: { 'kustomization.yaml': `commonLabels: ${'{a: '.repeat(5_000)}b${'}'.repeat(5_000)}\n` } },
  ])('deep flow nesting in $name', async ({ name, files }) => {
    const err = await failure('.', memoryFs(files))
    expect(isRenderError(err), String(err)).toBe(true)
    expect(err).toMatchObject({ code: 'RENDER_YAML_INVALID' })
    expect((err as Error).message).toContain(name)
    expect((err as Error).message).not.toContain('Maximum call stack')
  })
})

/** A file system where `pipe` is a FIFO: stat answers nothing, the listing says "other", reads never end. */
function fifoFs(kustomization: string): FileSystem {
  const base = memoryFs({ 'kustomization.yaml': kustomization, 'cm.yaml': configMap })
  return {
    readFile: (path: string): Promise<Uint8Array> => (path === 'pipe' ? new Promise<Uint8Array>(() => undefined) : base.readFile(path)),
    stat: (path: string): Promise<FileStat | undefined> => (path === 'pipe' ? Promise.resolve(undefined) : base.stat(path)),
    readdir: async (path: string): Promise<DirEntry[]> => {
      const entries = await base.readdir(path)
      return path === '' || path === '.' ? [...entries, { name: 'pipe', type: 'other' }] : entries
    },
  }
}

describe('render reads regular files only', () => {
  it.each([
    { name: 'a resource', kustomization: 'resources: [pipe]\n', message: "'pipe' doesn't exist" },
    { name: 'a patch file', kustomization: 'resources: [cm.yaml]\npatches: [{path: pipe}]\n', message: "'pipe' is not a regular file" },
    { name: 'a legacy strategic-merge patch', kustomization: 'resources: [cm.yaml]\npatchesStrategicMerge: [pipe]\n', message: "'pipe' is not a regular file" },
    { name: 'a generator file', kustomization: 'configMapGenerator: [{name: g, files: [pipe]}]\n', message: "'pipe' is not a regular file" },
    { name: 'a generator env file', kustomization: 'secretGenerator: [{name: g, envs: [pipe]}]\n', message: "'pipe' is not a regular file" },
    { name: 'a configurations file', kustomization: 'configurations: [pipe]\n', message: "'pipe' is not a regular file" },
  ])('refuses a FIFO named as $name instead of waiting on it', async ({ kustomization, message }) => {
    const err = await failure('.', fifoFs(kustomization))
    expect(err).toMatchObject({ code: 'RENDER_FILE_NOT_FOUND' })
    expect((err as Error).message).toContain(message)
  })

  let hasMkfifo = true
  try {
    execFileSync('mkfifo', ['--version'], { stdio: 'ignore' })
  } catch {
    hasMkfifo = false
  }
  it.skipIf(!hasMkfifo)('refuses a real FIFO on disk through nodeFs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'render-fifo-'))
    try {
      writeFileSync(join(dir, 'kustomization.yaml'), 'resources: [cm.yaml]\npatches: [{path: pipe.yaml}]\n')
      writeFileSync(join(dir, 'cm.yaml'), configMap)
      execFileSync('mkfifo', [join(dir, 'pipe.yaml')])
      const err = await failure('.', nodeFs(dir))
      expect(err).toMatchObject({ code: 'RENDER_FILE_NOT_FOUND' })
      expect((err as Error).message).toContain('pipe.yaml')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
