// What a folded block scalar (`>`) becomes after kyaml writes it back with go-yaml v3 and reads it
// again, as kustomize does for every resource it prints (RNode.MarshalJSON encodes the node, folded
// style kept, and decodes the text). go-yaml v3.0.1's emitter (emitterc.go,
// yaml_emitter_write_folded_scalar) decides whether a line break needs an extra empty line by
// looking at the first character of the whole value instead of the line after the break. So before
// a more-indented line it writes an empty line the reader then keeps (the extra blank line
// kustomize prints), and when the value itself starts with a space it writes none where one was
// needed, so the reader folds that break into a space.

function isBreak(c: string | undefined): boolean {
  return c === '\n' || c === '\r' || c === '\u0085' || c === '\u2028' || c === '\u2029'
}

function isBlankOrEnd(c: string | undefined): boolean {
  return c === undefined || c === ' ' || c === '\t'
}

/**
 * The value a folded block scalar holds after go-yaml v3 writes it (folded style) and reads it back:
 * a line break followed by a more-indented line gains an empty line, unless the value starts with a
 * space; then a single break between two ordinary lines becomes a space instead. Only the breaks
 * inside the content change (clip and strip chomping drop what the writer adds after the last line).
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export function foldedRoundTripV3(value: string): string {
  if (!value.includes('\n')) return value
  const chars = Array.from(value)
  // The writer's mistaken look-ahead: always from the start of the value.
  let k0 = 0
  while (isBreak(chars[k0])) k0++
  const wrongLookAhead = !isBlankOrEnd(chars[k0])
  // The chomping indicator the writer chooses: clip unless the value ends with two breaks (keep).
  const keep = chars.length >= 2 && isBreak(chars[chars.length - 1]) && isBreak(chars[chars.length - 2])
  let out = ''
  let breaks = true
  let leadingSpaces = true
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string
    if (isBreak(c)) {
      if (!breaks && !leadingSpaces && c === '\n') {
        let k = i
        while (isBreak(chars[k])) k++
        const rightLookAhead = !isBlankOrEnd(chars[k])
        const atEnd = k >= chars.length
        if (wrongLookAhead && !rightLookAhead && (!atEnd || keep)) {
          // An empty line written before a more-indented line (or kept trailing breaks): read back.
          out += '\n'
        } else if (!wrongLookAhead && rightLookAhead && k - i === 1) {
          // The one break between two ordinary lines, written without its empty line: folded.
          out += ' '
          breaks = true
          continue
        } else if (!wrongLookAhead && rightLookAhead) {
          // Several breaks: the reader folds the first one away.
          breaks = true
          continue
        }
      }
      out += c
      breaks = true
    } else {
      if (breaks) leadingSpaces = c === ' ' || c === '\t'
      out += c
      breaks = false
    }
  }
  return out
}
