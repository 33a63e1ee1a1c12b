import { describe, expect, it } from 'vitest'
import { createDueHeap } from './dueHeap.js'

describe('createDueHeap', () => {
  it('gives entries back earliest first, duplicates and ties included', () => {
    const heap = createDueHeap()
    const dues = Array.from({ length: 200 }, (_, i) => (i * 7919) % 101)
    dues.forEach((due, i) => heap.push(`k${i % 50}`, due))
    expect(heap.size).toBe(200)
    expect(heap.peek()?.due).toBe(0)
    const out: number[] = []
    for (let e = heap.pop(); e !== undefined; e = heap.pop()) out.push(e.due)
    expect(out).toEqual([...dues].sort((a, b) => a - b))
    expect(heap.peek()).toBeUndefined()
    heap.push('a', 5)
    heap.clear()
    expect(heap.size).toBe(0)
  })
})
