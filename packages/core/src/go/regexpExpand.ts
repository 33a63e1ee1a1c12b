// Go's `Regexp.Expand` for compileGoRegexp (regexp.ts): `$1`, `${1}`, `$name`, `${name}` and `$$` in
// replacement templates, with Go's rules for names and numbers.

/** A character of a template name in Go's `Expand`: a Unicode letter, a decimal digit or `_`. */
const NAME_CHAR = /[\p{L}\p{Nd}_]/uy

/**
 * Go's `extract` (regexp.go): the name at `i` of `template`, bare or in braces, and where the text
 * after it resumes; undefined when malformed (then the `$` stays as text).
 */
function extractName(template: string, i: number): { name: string; rest: number } | undefined {
  const brace = template[i] === '{'
  const start = brace ? i + 1 : i
  let end = start
  NAME_CHAR.lastIndex = end
  for (let m = NAME_CHAR.exec(template); m !== null; m = NAME_CHAR.exec(template)) end = NAME_CHAR.lastIndex
  if (end === start) return undefined
  if (brace && template[end] !== '}') return undefined
  return { name: template.slice(start, end), rest: brace ? end + 1 : end }
}

/**
 * Go's number for a template name: all ASCII digits, no leading zero but `0` itself, fewer than ten
 * digits (Go stops once the value reaches 1e8); otherwise -1, a name.
 */
function groupNumber(name: string): number {
  if (!/^[0-9]{1,9}$/.test(name) || (name[0] === '0' && name.length > 1)) return -1
  return Number(name)
}

/**
 * Go's `Regexp.Expand` of `template` for one match: `$$` is `$`; `$name` takes the longest run of
 * letters, digits and `_` (`${name}` marks its end); a number names a group by index, anything else
 * by name; an unknown group gives nothing; a malformed reference leaves the `$` as text.
 */
export function expand(template: string, groups: readonly (string | undefined)[], names: Readonly<Record<string, number>>): string {
  let out = ''
  let i = 0
  for (;;) {
    const dollar = template.indexOf('$', i)
    if (dollar < 0) break
    out += template.slice(i, dollar)
    i = dollar + 1
    if (template[i] === '$') {
      out += '$'
      i++
      continue
    }
    const ref = extractName(template, i)
    if (ref === undefined) {
      out += '$'
      continue
    }
    i = ref.rest
    const num = groupNumber(ref.name)
    const index = num >= 0 ? num : Object.hasOwn(names, ref.name) ? names[ref.name] : undefined
    if (index !== undefined) out += groups[index] ?? ''
  }
  return out + template.slice(i)
}
