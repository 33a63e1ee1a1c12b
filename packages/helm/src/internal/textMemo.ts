// A memo keyed by text and bounded by the total length of its keys: when a new key would pass the
// bound, everything is forgotten at once (the texts of one chart come round together, so an
// eviction order would buy little). A key longer than the bound is computed and never kept.

/** Answers `compute(key)` from memory when the same key was computed before. */
export function textMemo<T>(maxChars: number): (key: string, compute: () => T) => T {
  const values = new Map<string, T>()
  let chars = 0
  return (key, compute) => {
    let value = values.get(key)
    if (value === undefined) {
      value = compute()
      if (key.length <= maxChars) {
        if (chars + key.length > maxChars) {
          values.clear()
          chars = 0
        }
        values.set(key, value)
        chars += key.length
      }
    }
    return value
  }
}
