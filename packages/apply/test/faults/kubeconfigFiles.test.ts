// Kubeconfigs the client reads without client-node (server, CA, token, client certificate) that are
// broken: each ends in APPLY_KUBECONFIG_INVALID naming the file, as through client-node, and no
// prototype changes on the way.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { assertNoPollution } from '../../../../testing/pollution.js'
import { createKubeClient } from '../../src/index.js'

const dir = mkdtempSync(join(tmpdir(), 'gitops-kubeconfig-faults-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function kubeconfig(name: string, cluster: string, extra = ''): string {
  const path = join(dir, name)
  writeFileSync(path, `apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n- name: k\n  cluster:\n    ${cluster}\nusers:\n- name: u\n  user:\n    token: abc\ncontexts:\n- name: c\n  context:\n    cluster: k\n    user: u\n${extra}`)
  return path
}

describe('broken kubeconfig files', () => {
  it('names the file when its certificate-authority file is missing', async () => {
    const path = kubeconfig('missing-ca.yaml', 'server: https://127.0.0.1:1\n    certificate-authority: nope/ca.crt')
    await expect(createKubeClient({ kubeconfig: path })).rejects.toMatchObject({ code: 'APPLY_KUBECONFIG_INVALID', message: expect.stringMatching(new RegExp(`^${path}: `)) as unknown })
  })

  it('names the file when the context asks for a cluster it does not define', async () => {
    const path = kubeconfig('no-cluster.yaml', 'server: https://127.0.0.1:1', '- name: d\n  context:\n    cluster: missing\n')
    await expect(createKubeClient({ kubeconfig: path, context: 'd' })).rejects.toMatchObject({ code: 'APPLY_KUBECONFIG_INVALID', message: `${path}: context "d" names cluster "missing", which is not defined` })
  })

  it('reads polluting names as plain names', async () => {
    const path = kubeconfig('pollution.yaml', 'server: https://127.0.0.1:1', '- name: __proto__\n  context:\n    cluster: k\n    namespace: polluted\n- name: constructor\n  context:\n    cluster: k\n')
    const client = await createKubeClient({ kubeconfig: path, context: '__proto__' })
    expect(client.namespace).toBe('polluted')
    await createKubeClient({ kubeconfig: path, context: 'constructor' })
    assertNoPollution()
  })
})
