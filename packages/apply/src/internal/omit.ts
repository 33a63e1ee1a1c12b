/** A shallow copy of `value` without `keys`. */
export function omit<T extends object, K extends string>(value: T, keys: readonly K[]): Omit<T, K> {
  const drop = new Set<string>(keys)
  return Object.fromEntries(Object.entries(value).filter(([key]) => !drop.has(key))) as Omit<T, K>
}
