// Regular expressions users write in kustomizations (patch and replacement selectors, list items
// `[name=value]` in field paths, image names) are Go's (RE2): kustomize compiles them with Go's
// regexp. They read Go's syntax and match in time linear in the input; a pattern Go rejects ends
// in a typed error naming it. The pathological cases run from the sources in a child process
// (testing/isolated.ts), bounded, so that a backtracking engine fails instead of holding the
// runner: not timing tests, the bound is far from linear time.
import { fileURLToPath } from 'node:url'
import { memoryFs } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { runIsolated } from '../../../../testing/isolated.js'
import { render } from '../../src/index.js'

const here = fileURLToPath(new URL('.', import.meta.url))

const configMap = (name: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${JSON.stringify(name)}\ndata:\n  k: v\n`
const patched = (pattern: string, names: readonly string[]): Record<string, string> => ({
  'kustomization.yaml': `resources: [${names.map((_, i) => `cm${i}.yaml`).join(', ')}]\npatches:\n- target: {kind: ConfigMap, name: ${JSON.stringify(pattern)}}\n  patch: '[{"op": "add", "path": "/data/hit", "value": "yes"}]'\n`,
  ...Object.fromEntries(names.map((n, i) => [`cm${i}.yaml`, configMap(n)])),
})

async function hits(pattern: string, names: readonly string[]): Promise<string[]> {
  const objects = (await render('.', { fs: memoryFs(patched(pattern, names)) })) as unknown as { metadata: { name: string }; data: Record<string, string> }[]
  return objects.filter((o) => o.data.hit === 'yes').map((o) => o.metadata.name)
}

describe('patterns in kustomizations are Go regular expressions', () => {
  it.for([
    { name: 'a named group (?P<n>…)', pattern: '(?P<n>web)-.*', names: ['web-1', 'api-1'], want: ['web-1'] },
    { name: 'a flag group mid-pattern', pattern: 'web-(?i)API', names: ['web-api', 'WEB-api'], want: ['web-api'] },
    { name: 'a Unicode class', pattern: '\\pL+', names: ['héllo', 'h1'], want: ['héllo'] },
    { name: 'a POSIX class', pattern: 'v[[:digit:]]+', names: ['v12', 'vx'], want: ['v12'] },
    { name: '\\z', pattern: 'web\\z', names: ['web', 'webs'], want: ['web'] },
    { name: 'quoted text \\Q…\\E', pattern: '\\Qa.b\\E', names: ['a.b', 'axb'], want: ['a.b'] },
    { name: 'non-ASCII, . is one character', pattern: 'caf.', names: ['café', 'cafe', 'caf😀', 'cafés'], want: ['café', 'cafe', 'caf😀'] },
  ])('selects by $name', async ({ pattern, names, want }) => {
    expect((await hits(pattern, names)).sort()).toEqual([...want].sort())
  })

  it.for([
    { name: 'a lookahead', pattern: 'web(?=-1)' },
    { name: 'a backreference', pattern: '(w)\\1' },
  ])('refuses $name, as Go does, typed and naming the pattern', async ({ pattern }) => {
    await expect(hits(pattern, ['web-1'])).rejects.toMatchObject({ code: 'RENDER_PATCH_FAILED', message: expect.stringContaining(pattern) as unknown })
  })

  it('matches an image name as a Go pattern, and a dotted name exactly', async () => {
    const deployment = (image: string): string => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: ${image}\n`
    const images = async (name: string, image: string): Promise<string> => {
      const fs = memoryFs({ 'kustomization.yaml': `resources: [d.yaml]\nimages:\n- name: ${JSON.stringify(name)}\n  newTag: v2\n`, 'd.yaml': deployment(image) })
      const [d] = (await render('.', { fs })) as unknown as { spec: { template: { spec: { containers: { image: string }[] } } } }[]
      return d?.spec.template.spec.containers[0]?.image ?? ''
    }
    expect(await images('registry.example/app', 'registry.example/app:v1')).toBe('registry.example/app:v2')
    expect(await images('registry.example/app', 'registryXexample/app:v1')).toBe('registryXexample/app:v2')
    expect(await images('registry.example/app', 'registry\rexample/app:v1')).toBe('registry\rexample/app:v2')
    expect(await images('régistry/(?P<n>app)', 'régistry/app:v1')).toBe('régistry/app:v2')
    expect(await images('(?i)APP', 'app:v1')).toBe('app:v2')
    expect(await images('(?i)APP', 'apps:v1')).toBe('apps:v1')
  })
})

describe('patterns in kustomizations on pathological input', () => {
  it('answers nested quantifiers in a selector, an image name and a list item at once', async () => {
    const run = await runIsolated(`
      import { memoryFs } from '@gitops-sdk/core'
      import { render } from '../../src/index.js'
      const long = 'a'.repeat(3000) + 'b'
      const cm = 'apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: ' + long + '\\ndata:\\n  k: v\\n'
      const pod = 'apiVersion: v1\\nkind: Pod\\nmetadata:\\n  name: p\\nspec:\\n  containers:\\n  - name: ' + long + '\\n    image: ' + long + '\\n'
      const fs = memoryFs({
        'kustomization.yaml': [
          'resources: [cm.yaml, pod.yaml]',
          'images:',
          '- name: "(a+)+x"',
          '  newTag: v2',
          'patches:',
          '- target: {kind: ConfigMap, name: "(a+)+$"}',
          '  patch: \\'[{"op": "add", "path": "/data/hit", "value": "yes"}]\\'',
          '',
        ].join('\\n'),
        'cm.yaml': cm,
        'pod.yaml': pod,
      })
      const out = await render('.', { fs })
      // A list item that matches nothing: kustomize's replacement fails, typed.
      const listItem = memoryFs({
        'kustomization.yaml': 'resources: [pod.yaml]\\nreplacements:\\n- source: {kind: Pod, fieldPath: metadata.name}\\n  targets:\\n  - select: {kind: Pod}\\n    fieldPaths: ["spec.containers.[name=^(a|aa)+$].image"]\\n',
        'pod.yaml': pod,
      })
      const code = await render('.', { fs: listItem }).then(() => 'rendered', (e) => e.code)
      console.log(out.map((o) => o.kind + ':' + (o.data?.hit ?? o.spec?.containers?.[0]?.image?.length ?? '')).join(' '), code)`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('ConfigMap: Pod:3001 RENDER_TRANSFORM_FAILED')
  })
})
