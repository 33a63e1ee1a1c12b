import { describe, expect, it } from 'vitest'
import { loadApiServer } from './loadApiServer.js'

function notFound(specifier: string): Error {
  return Object.assign(new Error(`Cannot find package '${specifier}' imported from /app/node_modules/@gitops-sdk/cli/dist/bin.js`), {
    code: 'ERR_MODULE_NOT_FOUND',
  })
}

describe('loadApiServer', () => {
  it('loads the installed apiserver', async () => {
    expect(typeof (await loadApiServer()).startApiServer).toBe('function')
  })

  it('names the missing package and how to install it when the optional peer is absent', async () => {
    await expect(loadApiServer(() => Promise.reject(notFound('@gitops-sdk/apiserver')))).rejects.toMatchObject({
      code: 'CLI_PEER_NOT_INSTALLED',
      message: expect.stringMatching(/^@gitops-sdk\/apiserver: not installed; .*npm install @gitops-sdk\/apiserver/),
    })
  })

  it('passes on a failure of the apiserver itself (a dependency of it missing)', async () => {
    const inner = notFound('@kubernetes/client-node')
    await expect(loadApiServer(() => Promise.reject(inner))).rejects.toBe(inner)
  })
})
