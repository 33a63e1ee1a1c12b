// The names of Unicode classes in Go's regexp syntax (`\pL`, `\p{Greek}`, `\p{Lowercase_Letter}`), read
// as Go 1.25 reads them and spelt for re2js, for compileGoRegexp (regexp.ts).
import type * as Re2js from 're2js'

/** Bound of the table of resolved names: names come from users' patterns. */
const NAMES_SIZE = 512

/**
 * Go's error for a pattern with a class name re2js knows but Go 1.25 does not (a script of two
 * words, `Old_Italic`): Go parses from the left, so an error before the escape comes first (but
 * not the unclosed group or class that cutting the pattern there makes).
 */
export function rejectedClass(names: ClassNames, engine: typeof Re2js.RE2JS): Error {
  const { escape, at } = names.rejected ?? { escape: '', at: 0 }
  try {
    engine.compile(names.source.slice(0, at))
  } catch (err) {
    if (err instanceof Error && !/^error parsing regexp: missing closing [)\]]: /.test(err.message)) return err
  }
  return new Error(`error parsing regexp: invalid character class range: \`${escape}\``)
}

// Go 1.25's names of Unicode classes (regexp/syntax unicodeTable): case, spaces, `_` and `-` are
// ignored (the name is canonicalized to an upper-case letter then lower-case ones), long category
// names (`Letter`, `Lowercase_Letter`) are aliases, and `Any`, `Assigned`, `ASCII`, `LC` are
// special. re2js takes the name as written (a category, a script, or those four spelt `Any`,
// `Assigned`, `Ascii`, `Lc`), so each `\p{…}` is rewritten to that spelling before compiling.
// Go's aliases are Unicode's PropertyValueAliases.txt for the general category.
const CATEGORY_ALIASES: Readonly<Record<string, string>> = {
  Casedletter: 'LC', Closepunctuation: 'Pe', Combiningmark: 'M', Connectorpunctuation: 'Pc', Control: 'Cc', Cntrl: 'Cc',
  Currencysymbol: 'Sc', Dashpunctuation: 'Pd', Decimalnumber: 'Nd', Digit: 'Nd', Enclosingmark: 'Me', Finalpunctuation: 'Pf',
  Format: 'Cf', Initialpunctuation: 'Pi', Letter: 'L', Letternumber: 'Nl', Lineseparator: 'Zl', Lowercaseletter: 'Ll', Mark: 'M',
  Mathsymbol: 'Sm', Modifierletter: 'Lm', Modifiersymbol: 'Sk', Nonspacingmark: 'Mn', Number: 'N', Openpunctuation: 'Ps', Other: 'C',
  Otherletter: 'Lo', Othernumber: 'No', Otherpunctuation: 'Po', Othersymbol: 'So', Paragraphseparator: 'Zp', Privateuse: 'Co',
  Punct: 'P', Punctuation: 'P', Separator: 'Z', Spaceseparator: 'Zs', Spacingmark: 'Mc', Surrogate: 'Cs', Symbol: 'S',
  Titlecaseletter: 'Lt', Unassigned: 'Cn', Uppercaseletter: 'Lu',
}

/** Go's `canonicalName`: `_`, `-` and spaces dropped, the first ASCII letter upper-case, the others lower-case. */
function canonicalName(name: string): string {
  const bare = name.replace(/[_\- ]/g, '')
  return bare.slice(0, 1).toUpperCase() + bare.slice(1).toLowerCase()
}

const resolvedNames = new Map<string, string | undefined>()

/** The spelling re2js takes for Go's class `name`, or undefined when Go 1.25 has no such class. */
function resolveClassName(name: string, engine: typeof Re2js.RE2JS): string | undefined {
  if (resolvedNames.has(name)) return resolvedNames.get(name)
  // Only ASCII letters change case in Go's canonicalName.
  const canonical = /\P{ASCII}/u.test(name) ? name : canonicalName(name)
  let resolved: string | undefined
  if (canonical === 'Any' || canonical === 'Assigned' || canonical === 'Ascii' || canonical === 'Lc') resolved = canonical
  else if (canonical !== '' && /^[A-Za-z]+$/.test(canonical) && knownToRe2js(canonical, engine)) resolved = canonical
  else resolved = Object.hasOwn(CATEGORY_ALIASES, canonical) ? CATEGORY_ALIASES[canonical] : undefined
  // Names come from users' patterns: the table is bounded like the pattern cache.
  if (resolvedNames.size >= NAMES_SIZE) resolvedNames.clear()
  resolvedNames.set(name, resolved)
  return resolved
}

/** Whether re2js has a category or script spelt `name` (a category key, or a one-word script as Go's canonical form spells it). */
function knownToRe2js(name: string, engine: typeof Re2js.RE2JS): boolean {
  try {
    engine.compile(`\\p{${name}}`)
    return true
  } catch {
    return false
  }
}

export interface ClassNames {
  /** The pattern with each `\p` name spelt for re2js. */
  readonly source: string
  /** The first `\p…` escape Go rejects but re2js would accept, as written, and where it is in `source`. */
  readonly rejected: { readonly escape: string; readonly at: number } | undefined
  /** The text of `source` from `text` on, as the user wrote it. */
  original(text: string): string
}

/**
 * Rewrites the names of the real `\p` and `\P` escapes of `pattern` (not `\\p`, not inside
 * `\Q…\E`) for re2js; a name Go rejects is left as written, for re2js to reject with Go's message.
 */
export function unicodeClassNames(pattern: string, engine: typeof Re2js.RE2JS): ClassNames | undefined {
  // Each rewritten escape: where it is in the pattern and in the source.
  const edits: { from: number; to: number; at: number; text: string }[] = []
  let source = ''
  let rejected: { escape: string; at: number } | undefined
  let i = 0
  while (i < pattern.length) {
    const c = pattern.charAt(i)
    if (c !== '\\') {
      source += c
      i++
      continue
    }
    const next = pattern[i + 1]
    if (next === 'Q') {
      const end = pattern.indexOf('\\E', i + 2)
      const stop = end < 0 ? pattern.length : end + 2
      source += pattern.slice(i, stop)
      i = stop
      continue
    }
    if ((next === 'p' || next === 'P') && i + 2 < pattern.length) {
      const braced = pattern[i + 2] === '{'
      // The last unit of the escape: its `}`, or its one letter (two units past U+FFFF).
      const close = braced ? pattern.indexOf('}', i + 3) : (pattern.codePointAt(i + 2) ?? 0) > 0xffff ? i + 3 : i + 2
      if (close >= 0) {
        const escape = pattern.slice(i, close + 1)
        let name = braced ? pattern.slice(i + 3, close) : pattern.slice(i + 2, close + 1)
        const negated = braced && name.startsWith('^')
        if (negated) name = name.slice(1)
        const resolved = resolveClassName(name, engine)
        if (resolved === undefined) {
          if (rejected === undefined && knownToRe2js(name, engine)) rejected = { escape, at: source.length }
          source += escape
        } else {
          const text = `\\${next}{${negated ? '^' : ''}${resolved}}`
          if (text !== escape) edits.push({ from: i, to: close + 1, at: source.length, text })
          source += text
        }
        i = close + 1
        continue
      }
    }
    source += pattern.slice(i, i + 2)
    i += 2
  }
  if (edits.length === 0 && rejected === undefined) return undefined
  const original = (text: string): string => {
    const at = source.lastIndexOf(text)
    if (at < 0) return text
    // The position in the pattern of the position `p` of the source (an edit maps to its start).
    const back = (p: number): number => {
      let delta = 0
      for (const e of edits) {
        if (p < e.at) break
        if (p < e.at + e.text.length) return e.from
        delta = e.to - (e.at + e.text.length)
      }
      return p + delta
    }
    return pattern.slice(back(at), at + text.length === source.length ? pattern.length : back(at + text.length))
  }
  return { source, rejected, original }
}
