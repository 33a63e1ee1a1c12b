import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { memoryFs, nodeFs, stringifyObjects } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { render } from './index.js'

const deployment = (name: string, replicas: number): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  template:
    spec:
      containers:
      - name: app
        image: nginx:1.21
        envFrom:
        - configMapRef:
            name: settings
`

describe('render', () => {
  it('applies a patch from an overlay to its base', async () => {
    const fs = memoryFs({
      'base/kustomization.yaml': 'resources: [deploy.yaml]\n',
      'base/deploy.yaml': deployment('web', 1),
      'prod/kustomization.yaml': 'resources: [../base]\npatches: [{ path: replicas.yaml }]\n',
      'prod/replicas.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 3}\n',
    })
    const [web] = await render('prod', { fs })
    expect(web?.spec).toMatchObject({ replicas: 3 })
  })

  it('names generated objects with their hash and rewrites references to them', async () => {
    const fs = memoryFs({
      'app/kustomization.yaml': 'namePrefix: p-\nresources: [deploy.yaml]\nconfigMapGenerator:\n- name: settings\n  literals: [LOG=info]\n',
      'app/deploy.yaml': deployment('web', 1),
    })
    const text = stringifyObjects(await render('app', { fs }))
    expect(text).toContain('name: p-settings-')
    expect(text).toMatch(/configMapRef:\n {12}name: p-settings-[a-z0-9]{10}\n/)
  })

  it('refuses to read a file outside the kustomization directory', async () => {
    const fs = memoryFs({
      'shared/patch.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n',
      'app/kustomization.yaml': 'resources: [deploy.yaml]\npatches: [{ path: ../shared/patch.yaml }]\n',
      'app/deploy.yaml': deployment('web', 1),
    })
    await expect(render('app', { fs })).rejects.toMatchObject({
      code: 'RENDER_PATH_ESCAPES_ROOT',
      details: { file: 'app/kustomization.yaml', field: 'patches[0]' },
    })
  })

  it('refuses a symlink that leads a read out of the kustomization directory, as kustomize does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'render-symlink-'))
    try {
      mkdirSync(join(dir, 'app', 'sub'), { recursive: true })
      mkdirSync(join(dir, 'other'))
      mkdirSync(join(dir, 'real-base'))
      writeFileSync(join(dir, 'other', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: outside}\n')
      writeFileSync(join(dir, 'app', 'sub', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: inside}\n')
      writeFileSync(join(dir, 'real-base', 'kustomization.yaml'), 'resources: [cm.yaml]\n')
      writeFileSync(join(dir, 'real-base', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: base}\n')
      symlinkSync('../other/cm.yaml', join(dir, 'app', 'out.yaml'))
      symlinkSync('sub/cm.yaml', join(dir, 'app', 'in.yaml'))
      symlinkSync('real-base', join(dir, 'base'))
      const fs = nodeFs(dir)
      writeFileSync(join(dir, 'app', 'kustomization.yaml'), 'resources: [in.yaml, ../base]\n')
      expect((await render('app', { fs })).map((o) => o.metadata.name)).toEqual(['base', 'inside'])
      writeFileSync(join(dir, 'app', 'kustomization.yaml'), 'resources: [in.yaml, out.yaml]\n')
      await expect(render('app', { fs: nodeFs(dir) })).rejects.toMatchObject({
        code: 'RENDER_PATH_ESCAPES_ROOT',
        message: "app/kustomization.yaml: resources[1]: security; file 'app/out.yaml' is not in or below 'app'",
      })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('follows a symlinked directory it has also listed (a base) when it checks a file read through it', async () => {
    // The build lists app/linked (a base) and knows cm.yaml there as a regular file: its real path
    // is still other/cm.yaml, outside app, as kustomize finds.
    const dir = mkdtempSync(join(tmpdir(), 'render-symlink-dir-'))
    try {
      mkdirSync(join(dir, 'app'))
      mkdirSync(join(dir, 'other'))
      writeFileSync(join(dir, 'other', 'kustomization.yaml'), 'resources: [cm.yaml]\n')
      writeFileSync(join(dir, 'other', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: outside}\n')
      symlinkSync('../other', join(dir, 'app', 'linked'))
      writeFileSync(join(dir, 'app', 'kustomization.yaml'), 'resources: [linked]\n')
      expect((await render('app', { fs: nodeFs(dir) })).map((o) => o.metadata.name)).toEqual(['outside'])
      writeFileSync(join(dir, 'app', 'kustomization.yaml'), 'resources: [linked, linked/cm.yaml]\n')
      await expect(render('app', { fs: nodeFs(dir) })).rejects.toMatchObject({
        code: 'RENDER_PATH_ESCAPES_ROOT',
        message: "app/kustomization.yaml: resources[1]: security; file 'app/linked/cm.yaml' is not in or below 'app'",
      })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('refuses a path above the file system root', async () => {
    const fs = memoryFs({ 'app/kustomization.yaml': 'resources: [../../outside]\n' })
    await expect(render('app', { fs })).rejects.toMatchObject({ code: 'RENDER_PATH_ESCAPES_ROOT' })
  })

  it('reads anywhere inside the file system with loadRestrictions none', async () => {
    const fs = memoryFs({
      'shared/patch.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 5}\n',
      'app/kustomization.yaml': 'resources: [deploy.yaml]\npatches: [{ path: ../shared/patch.yaml }]\n',
      'app/deploy.yaml': deployment('web', 1),
    })
    const [web] = await render('app', { fs, loadRestrictions: 'none' })
    expect(web?.spec).toMatchObject({ replicas: 5 })
  })

  it('fails a remote resource with RENDER_REMOTE_DISABLED', async () => {
    const fs = memoryFs({ 'app/kustomization.yaml': 'resources:\n- https://github.com/org/repo//deploy?ref=v1\n' })
    await expect(render('app', { fs })).rejects.toMatchObject({
      code: 'RENDER_REMOTE_DISABLED',
      details: { file: 'app/kustomization.yaml', field: 'resources[0]' },
    })
  })

  it('names the kustomization file and field of an unknown field', async () => {
    const fs = memoryFs({ 'app/kustomization.yaml': 'resources: []\nnamePrefx: p-\n' })
    const err = await render('app', { fs }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'RENDER_KUSTOMIZATION_INVALID', message: 'app/kustomization.yaml: unknown field "namePrefx"' })
  })

  it('accepts field names in any case, as kustomize does', async () => {
    const fs = memoryFs({ 'app/kustomization.yaml': 'NAMEPREFIX: p-\nResources: [cm.yaml]\n', 'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n' })
    expect((await render('app', { fs }))[0]?.metadata.name).toBe('p-c')
  })

  it('fails without a kustomization file, or builds the directory as Flux does with plainDirectories', async () => {
    const fs = memoryFs({
      'plain/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n',
      'plain/sub/b.yml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n',
      'plain/app/kustomization.yaml': 'namePrefix: k-\nresources: [c.yaml]\n',
      'plain/app/c.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n',
      'plain/notes.txt': 'ignored',
    })
    await expect(render('plain', { fs })).rejects.toMatchObject({ code: 'RENDER_KUSTOMIZATION_NOT_FOUND' })
    const objects = await render('plain', { fs, plainDirectories: true })
    expect(objects.map((o) => o.metadata.name)).toEqual(['a', 'b', 'k-c'])
  })

  it('names a plain directory\'s undecodable file once, as Flux\'s generator does', async () => {
    const fs = memoryFs({ 'plain/ok.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n', 'plain/sub/notes.yaml': 'title: x\nbody: []\n' })
    const err = await render('plain', { fs, plainDirectories: true }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'RENDER_YAML_INVALID', details: { file: 'plain/sub/notes.yaml' } })
    expect((err as Error).message).toBe('plain/sub/notes.yaml: failed to decode Kubernetes YAML: missing Resource metadata')
  })

  it('reports kustomize deprecation warnings', async () => {
    const fs = memoryFs({ 'app/kustomization.yaml': 'commonLabels: {a: b}\nresources: []\n' })
    const warnings: string[] = []
    await render('app', { fs, onWarning: (w) => warnings.push(w) })
    expect(warnings).toEqual([
      "# Warning: 'commonLabels' is deprecated. Please use 'labels' instead. Run 'kustomize edit fix' to update your Kustomization automatically.",
    ])
  })

  it('orders objects by kind unless sortOptions says fifo', async () => {
    const files = {
      'app/objects.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n',
    }
    const legacy = await render('app', { fs: memoryFs({ ...files, 'app/kustomization.yaml': 'resources: [objects.yaml]\n' }) })
    expect(legacy.map((o) => o.kind)).toEqual(['Namespace', 'Deployment'])
    const fifo = await render('app', { fs: memoryFs({ ...files, 'app/kustomization.yaml': 'resources: [objects.yaml]\nsortOptions: {order: fifo}\n' }) })
    expect(fifo.map((o) => o.kind)).toEqual(['Deployment', 'Namespace'])
  })

  it('substitutes variables after the build, from a map and from files', async () => {
    const fs = memoryFs({
      'app/kustomization.yaml': 'resources: [cm.yaml]\n',
      'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  env: ${env}\n  region: ${region:=eu}\n',
      'vars.env': 'env=dev\nregion=us\n',
    })
    const [cm] = await render('app', { fs, substitute: { files: ['vars.env'], variables: { env: 'prod' } } })
    expect(cm?.data).toEqual({ env: 'prod', region: 'us' })
  })

  it('rejects with the abort reason, untouched', async () => {
    const fs = memoryFs({ 'app/kustomization.yaml': 'resources: []\n' })
    const controller = new AbortController()
    const reason = new Error('stop')
    controller.abort(reason)
    await expect(render('app', { fs, signal: controller.signal })).rejects.toBe(reason)
  })

  it('throws TypeError for a missing file system', async () => {
    await expect(render('app', {} as never)).rejects.toBeInstanceOf(TypeError)
  })

  it('fails an ambiguous name reference with RENDER_REFERENCE_AMBIGUOUS', async () => {
    const sa = (ns: string): string => `apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa, namespace: ${ns}}\n`
    const fs = memoryFs({
      'a/kustomization.yaml': 'namespace: a\nresources: [sa.yaml]\n',
      'a/sa.yaml': sa('a'),
      'b/kustomization.yaml': 'namespace: b\nresources: [sa.yaml]\n',
      'b/sa.yaml': sa('b'),
      'top/kustomization.yaml': 'resources: [../a, ../b, crb.yaml]\n',
      'top/crb.yaml': 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: crb}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\nsubjects:\n- {kind: ServiceAccount, name: sa}\n',
    })
    await expect(render('top', { fs })).rejects.toMatchObject({ code: 'RENDER_REFERENCE_AMBIGUOUS' })
  })
})
