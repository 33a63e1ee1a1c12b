import { describe, expect, it } from 'vitest'
import { parseSshUrl } from './sshSession.js'

describe('parseSshUrl', () => {
  it.for([
    { name: 'ssh:// with user and port', input: 'ssh://deploy@git.example:2222/srv/fleet.git', host: 'git.example', port: 2222, username: 'deploy', path: '/srv/fleet.git' },
    { name: 'ssh:// without user', input: 'ssh://git.example/acme/fleet.git', host: 'git.example', port: 22, username: undefined, path: '/acme/fleet.git' },
    { name: 'ssh:// home-relative', input: 'ssh://git@git.example/~/fleet.git', host: 'git.example', port: 22, username: 'git', path: '~/fleet.git' },
    { name: 'git+ssh://', input: 'git+ssh://git@[::1]:2200/fleet.git', host: '::1', port: 2200, username: 'git', path: '/fleet.git' },
    { name: 'scp-like', input: 'git@github.com:acme/fleet.git', host: 'github.com', port: 22, username: 'git', path: 'acme/fleet.git' },
    { name: 'scp-like absolute', input: 'host:/srv/fleet.git', host: 'host', port: 22, username: undefined, path: '/srv/fleet.git' },
  ])('parses $name', ({ input, host, port, username, path }) => {
    expect(parseSshUrl(input)).toEqual({ host, port, username, path })
  })

  it('is undefined for other URLs', () => {
    expect(parseSshUrl('https://git.example/fleet.git')).toBeUndefined()
    expect(parseSshUrl('not a url')).toBeUndefined()
  })
})
