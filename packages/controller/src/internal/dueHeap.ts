// The work queue's delayed keys by due time: a binary min-heap, so that taking the keys that fell
// due and finding the next due time costs O(log n) per key. Keys fall due one by one after a
// burst of requeues (every Kustomization is requeued once per interval), and a scan of every
// delayed key at each was quadratic over an interval.

/** A min-heap of keys by due time (ms). A key may be in it more than once: the caller skips entries it no longer wants. */
export interface DueHeap {
  push(key: string, due: number): void
  /** The earliest entry, without taking it. */
  peek(): { readonly key: string; readonly due: number } | undefined
  /** Takes the earliest entry. */
  pop(): { readonly key: string; readonly due: number } | undefined
  clear(): void
  readonly size: number
}

export function createDueHeap(): DueHeap {
  const keys: string[] = []
  const dues: number[] = []
  const swap = (i: number, j: number): void => {
    const k = keys[i] as string
    keys[i] = keys[j] as string
    keys[j] = k
    const d = dues[i] as number
    dues[i] = dues[j] as number
    dues[j] = d
  }
  return {
    push(key, due) {
      keys.push(key)
      dues.push(due)
      let i = keys.length - 1
      while (i > 0) {
        const parent = (i - 1) >> 1
        if ((dues[parent] as number) <= due) break
        swap(i, parent)
        i = parent
      }
    },
    peek() {
      return keys.length === 0 ? undefined : { key: keys[0] as string, due: dues[0] as number }
    },
    pop() {
      if (keys.length === 0) return undefined
      const top = { key: keys[0] as string, due: dues[0] as number }
      const lastKey = keys.pop() as string
      const lastDue = dues.pop() as number
      if (keys.length > 0) {
        keys[0] = lastKey
        dues[0] = lastDue
        let i = 0
        for (;;) {
          const left = 2 * i + 1
          const right = left + 1
          let least = i
          if (left < keys.length && (dues[left] as number) < (dues[least] as number)) least = left
          if (right < keys.length && (dues[right] as number) < (dues[least] as number)) least = right
          if (least === i) break
          swap(i, least)
          i = least
        }
      }
      return top
    },
    clear() {
      keys.length = 0
      dues.length = 0
    },
    get size() {
      return keys.length
    },
  }
}
