import { describe, expect, it } from 'vitest'
import { shownServer } from './transport.js'

describe('shownServer', () => {
  it('drops the userinfo of a URL and keeps the rest as it is', () => {
    expect(shownServer('https://u:p@10.0.0.1:6443/prefix/')).toBe('https://10.0.0.1:6443/prefix/')
    expect(shownServer('https://10.0.0.1:6443')).toBe('https://10.0.0.1:6443')
    expect(shownServer('http://token@[::1]:8080')).toBe('http://[::1]:8080')
  })

  it('drops a password holding an unescaped @ whole, and leaves a later @ in the path alone', () => {
    expect(shownServer('https://u:p@ss@host:6443/a@b')).toBe('https://host:6443/a@b')
    expect(shownServer('https://host:6443/a@b')).toBe('https://host:6443/a@b')
  })

  it('drops a userinfo the URL parser accepts with a space or a tab in it', () => {
    expect(shownServer('https://u:p q@host:6443')).toBe('https://host:6443')
    expect(shownServer('https://u:p\tq@host:6443/')).toBe('https://host:6443/')
  })

  it('hides every userinfo of a text, as a node error message may repeat the URL', () => {
    expect(shownServer('request to http://u:p@127.0.0.1:1/api failed; see https://x:y@h/')).toBe('request to http://127.0.0.1:1/api failed; see https://h/')
  })
})
