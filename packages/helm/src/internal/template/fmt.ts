// Go's fmt as templates use it (print, printf, println and the printing of action results):
// verbs, flags, width, precision, argument indexes, and the %!verb(type=value) error forms.
import { formatFloat } from './floats.js'
import { goQuote } from './lex.js'
import { type Flags, fmtFloatVerb, fmtInteger, fmtString, fmtUnicode, noFlags, pad, quoteRune, runeOf } from './verbs.js'
import { GoFloat32, GoInt, GoStruct, type GoValue, isGoFunc, isNil, sortedKeys, typeName } from './values.js'

export { NO_FLAGS } from './verbs.js'

function badVerb(verb: string, v: GoValue, f: Flags = noFlags()): string {
  if (v === undefined || v === null) return `%!${verb}(<nil>)`
  // fmt is erroring here: a named integer prints as its number, String() is not called.
  if (v instanceof GoInt && v.named !== undefined) return `%!${verb}(${typeName(v)}=${formatValue(new GoInt(v.value, v.kind), 'v', { ...f, plusV: false, sharpV: false })})`
  // Go keeps the operand's flags (width, precision) while printing it inside %!verb(type=...).
  return `%!${verb}(${typeName(v)}=${formatValue(v, 'v', { ...f, plusV: false, sharpV: false })})`
}

/** Formats one operand with one verb, as fmt's printArg does. */
export function formatValue(v: GoValue, verb: string, f: Flags): string {
  const depth = f.depth ?? 0
  if (verb === 'T') return pad(typeName(v), f)
  if (v === undefined || v === null) {
    // A nil inside a slice or map prints <nil>, unpadded, whatever the verb (fmt's printValue); a nil operand
    // is a bad verb unless it is %v.
    if (depth > 0) return f.sharpV ? 'interface {}(nil)' : '<nil>'
    if (verb === 'v') return pad('<nil>', f)
    return badVerb(verb, v, f)
  }
  if (v instanceof GoStruct) {
    if (v.stringer !== undefined && 'vsxXq'.includes(verb) && !f.sharpV) return fmtString(v.stringer(), verb === 'v' ? 's' : verb, f) ?? ''
    // %#v of a GoStringer (time.Time: `time.Date(…)`) is what its GoString says.
    const goString = f.sharpV ? v.methods.get('GoString') : undefined
    if (goString !== undefined) return fmtString(goString.fn() as string, 's', f) ?? ''
  }
  if (typeof v === 'boolean') {
    if (verb === 'v' || verb === 't') return pad(v ? 'true' : 'false', f)
    return badVerb(verb, v, f)
  }
  if (typeof v === 'string') {
    if (f.sharpV) return goQuote(v)
    return fmtString(v, verb, f) ?? badVerb(verb, v, f)
  }
  if (typeof v === 'number' || v instanceof GoFloat32) {
    const n = typeof v === 'number' ? v : v.value
    if (f.sharpV) {
      const s = formatFloat(n, 'g', -1)
      return s
    }
    return fmtFloatVerb(n, verb, f) ?? badVerb(verb, v, f)
  }
  if (v instanceof GoInt) {
    // A named integer with String() (time.Month, time.Duration) prints through it for the string verbs.
    if (v.named?.stringer !== undefined && 'vsxXq'.includes(verb) && !f.sharpV) return fmtString(v.named.stringer(v.value), verb === 'v' ? 's' : verb, f) ?? ''
    // %#v writes an unsigned integer in hexadecimal (`0x1`), a signed one in decimal.
    if (f.sharpV) return v.unsigned ? `0x${v.value.toString(16)}` : v.value.toString()
    switch (verb) {
      case 'v':
      case 'd':
      case 'b':
      case 'o':
      case 'O':
      case 'x':
      case 'X':
        return fmtInteger(v.value, verb, f)
      case 'c':
        return pad(runeOf(v.value), f)
      case 'q':
        return pad(quoteRune(v.value), f)
      case 'U':
        return fmtUnicode(v.value, f)
      default:
        return badVerb(verb, v, f)
    }
  }
  // The flags of elements, made only for composites: most operands are scalars.
  const nested: Flags = { ...f, depth: depth + 1 }
  // %#v tells a nil slice or map from an empty one (`[]string(nil)`); every other verb prints both alike.
  if (f.sharpV && isNil(v)) return `${typeName(v)}(nil)`
  if (Array.isArray(v)) {
    if (f.sharpV) {
      return `${typeName(v)}{${v.map((x) => formatValue(x, 'v', nested)).join(', ')}}`
    }
    return `[${v.map((x) => formatValue(x, verb, nested)).join(' ')}]`
  }
  if (v instanceof Map) {
    const keys = sortedKeys(v)
    if (f.sharpV) {
      const inner = keys.map((k) => `${goQuote(k)}:${formatValue(v.get(k), 'v', nested)}`).join(', ')
      return `${typeName(v)}{${inner}}`
    }
    const inner = keys.map((k) => `${formatValue(k, verb, nested)}:${formatValue(v.get(k), verb, nested)}`)
    return `map[${inner.join(' ')}]`
  }
  if (v instanceof GoStruct) {
    const pointer = v.typeName.startsWith('*')
    const parts = [...v.fields].map(([k, x]) =>
      f.plusV || f.sharpV ? `${k}:${formatValue(x, verb, nested)}` : formatValue(x, verb, nested),
    )
    // %#v names the type: `common.KubeVersion{Version:"v1.32.0", …}`, `&pkg.T{…}` for a pointer.
    const body = `${f.sharpV ? v.typeName.replace(/^\*/, '') : ''}{${parts.join(f.sharpV ? ', ' : ' ')}}`
    if (pointer) return depth === 0 ? `&${body}` : '0xc000010000'
    return body
  }
  if (isGoFunc(v)) return verb === 'v' ? '0x4a3b20' : badVerb(verb, v, f)
  return badVerb(verb, v, f)
}

function isStringLike(v: GoValue): boolean {
  return typeof v === 'string'
}

/** Go's `fmt.Sprint`: spaces between operands when neither side is a string. */
export function sprint(args: readonly GoValue[]): string {
  let out = ''
  args.forEach((a, i) => {
    if (i > 0 && !isStringLike(a) && !isStringLike(args[i - 1])) out += ' '
    out += formatValue(a, 'v', noFlags())
  })
  return out
}

/** Go's `fmt.Sprintln`: spaces between all operands, then a newline. */
export function sprintln(args: readonly GoValue[]): string {
  return `${args.map((a) => formatValue(a, 'v', noFlags())).join(' ')}\n`
}

function intArg(v: GoValue): number | undefined {
  if (v instanceof GoInt) {
    const n = Number(v.value)
    if (n > 1e6 || n < -1e6) return undefined
    return n
  }
  return undefined
}

/** Go's `fmt.Sprintf`. */
export function sprintf(format: string, args: readonly GoValue[]): string {
  let out = ''
  // Kept in an object: the argument-index parser below updates it.
  const st = { argNum: 0, reordered: false, good: true }
  const badIndexFree = (): boolean => st.good
  let i = 0
  const end = format.length
  const parseArgNumber = (): void => {
    // Reads "[n]" at i, if present.
    if (format[i] !== '[') return
    st.reordered = true
    const close = format.indexOf(']', i)
    if (close < 0) {
      st.good = false
      return
    }
    const text = format.slice(i + 1, close)
    const n = /^\d+$/.test(text) ? Number(text) : Number.NaN
    if (Number.isNaN(n) || n < 1 || n > args.length) {
      st.good = false
    } else st.argNum = n - 1
    i = close + 1
  }
  while (i < end) {
    const pct = format.indexOf('%', i)
    if (pct < 0) {
      out += format.slice(i)
      break
    }
    out += format.slice(i, pct)
    i = pct + 1
    // %s or %v of a string and %d or %v of an unnamed integer, without flags, width, precision or
    // index, print the operand as it is: most directives of templates, answered without the parse.
    const c = format.charCodeAt(i)
    if ((c === 0x73 /* s */ || c === 0x76 /* v */ || c === 0x64 /* d */) && st.argNum < args.length) {
      const a = args[st.argNum]
      if (typeof a === 'string' ? c !== 0x64 : a instanceof GoInt && a.named === undefined && c !== 0x73) {
        out += typeof a === 'string' ? a : (a as GoInt).value.toString()
        st.argNum++
        i++
        continue
      }
    }
    const f = noFlags()
    st.good = true
    flags: while (i < end) {
      switch (format[i]) {
        case '#':
          f.sharp = true
          break
        case '0':
          f.zero = !f.minus
          break
        case '+':
          f.plus = true
          break
        case '-':
          f.minus = true
          f.zero = false
          break
        case ' ':
          f.space = true
          break
        case undefined:
        default:
          break flags
      }
      i++
    }
    parseArgNumber()
    // width
    if (format[i] === '*') {
      i++
      const w = intArg(args[st.argNum])
      if (st.argNum >= args.length || w === undefined) {
        out += '%!(BADWIDTH)'
      } else {
        f.width = Math.abs(w)
        if (w < 0) {
          f.minus = true
          f.zero = false
        }
      }
      st.argNum++
      st.reordered = false
    } else {
      const m = /^\d+/.exec(format.slice(i))
      if (m !== null) {
        f.width = Number(m[0])
        i += m[0].length
      }
    }
    if (format[i] === '.') {
      i++
      parseArgNumber()
      if (format[i] === '*') {
        i++
        const p = intArg(args[st.argNum])
        if (st.argNum >= args.length || p === undefined || p < 0) {
          out += '%!(BADPREC)'
          f.prec = undefined
        } else f.prec = p
        st.argNum++
        st.reordered = false
      } else {
        const m = /^\d+/.exec(format.slice(i))
        f.prec = m === null ? 0 : Number(m[0])
        if (m !== null) i += m[0].length
      }
    }
    parseArgNumber()
    if (i >= end) {
      out += '%!(NOVERB)'
      break
    }
    const verb = String.fromCodePoint(format.codePointAt(i) ?? 0)
    i += verb.length
    if (verb === '%') {
      out += '%'
      continue
    }
    if (!badIndexFree()) {
      out += `%!${verb}(BADINDEX)`
      continue
    }
    if (st.argNum >= args.length) {
      out += `%!${verb}(MISSING)`
      continue
    }
    if (verb === 'w') {
      out += badVerb(verb, args[st.argNum])
      st.argNum++
      continue
    }
    if (verb === 'v') {
      if (f.sharp) {
        f.sharp = false
        f.sharpV = true
      }
      if (f.plus) {
        f.plus = false
        f.plusV = true
      }
    }
    out += formatValue(args[st.argNum], verb, f)
    st.argNum++
  }
  if (!st.reordered && st.argNum < args.length) {
    out += '%!(EXTRA '
    out += args
      .slice(st.argNum)
      .map((a) => (a === undefined || a === null ? '<nil>' : `${typeName(a)}=${formatValue(a, 'v', noFlags())}`))
      .join(', ')
    out += ')'
  }
  return out
}
