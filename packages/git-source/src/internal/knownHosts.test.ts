import { createHmac, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { hostKeyAlgorithms, judgeHostKey, keysFor, knownHostsName } from './knownHosts.js'

const keyA = Buffer.from('test-only-host-key-a').toString('base64')
const keyB = Buffer.from('test-only-host-key-b').toString('base64')

function hashed(name: string): string {
  const salt = randomBytes(20)
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`
}

describe('known_hosts', () => {
  it('names a host as OpenSSH does: [host]:port unless the port is 22', () => {
    expect(knownHostsName('git.example', 22)).toBe('git.example')
    expect(knownHostsName('127.0.0.1', 2222)).toBe('[127.0.0.1]:2222')
  })

  it('finds plain, listed, wildcard and hashed names, and honours negation', () => {
    const text = [
      '# comment',
      `git.example,10.0.0.1 ssh-ed25519 ${keyA}`,
      `*.corp.example,!evil.corp.example ssh-rsa ${keyB}`,
      `${hashed('[127.0.0.1]:2222')} ecdsa-sha2-nistp256 ${keyA}`,
      `@cert-authority *.example ssh-ed25519 ${keyB}`,
    ].join('\n')
    expect(keysFor(text, 'git.example').map((k) => k.type)).toEqual(['ssh-ed25519'])
    expect(keysFor(text, '10.0.0.1').map((k) => k.type)).toEqual(['ssh-ed25519'])
    expect(keysFor(text, 'git.corp.example').map((k) => k.type)).toEqual(['ssh-rsa'])
    expect(keysFor(text, 'evil.corp.example')).toEqual([])
    expect(keysFor(text, '[127.0.0.1]:2222').map((k) => k.type)).toEqual(['ecdsa-sha2-nistp256'])
    expect(keysFor(text, '127.0.0.1')).toEqual([])
  })

  it('judges a key known, unknown, changed or revoked', () => {
    const a = Buffer.from(keyA, 'base64')
    const b = Buffer.from(keyB, 'base64')
    expect(judgeHostKey(keysFor(`h ssh-ed25519 ${keyA}`, 'h'), a)).toBe('known')
    expect(judgeHostKey(keysFor(`other ssh-ed25519 ${keyA}`, 'h'), a)).toBe('unknown')
    expect(judgeHostKey(keysFor(`h ssh-ed25519 ${keyA}`, 'h'), b)).toBe('changed')
    expect(judgeHostKey(keysFor(`h ssh-ed25519 ${keyA}\n@revoked h ssh-ed25519 ${keyB}`, 'h'), b)).toBe('revoked')
  })

  it('asks the server for the key types it knows, RSA with SHA-2 first', () => {
    expect(hostKeyAlgorithms(keysFor(`h ssh-rsa ${keyA}\nh ssh-ed25519 ${keyB}`, 'h'))).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519'])
  })
})
