// Go's reference layouts (Mon Jan 2 15:04:05 MST 2006) as time.Format and time.Parse read them:
// where each layout element starts and which it is (Go's nextStdChunk), and how a zone offset is
// written for each zone element.

const isLower = (c: number): boolean => c >= 0x61 && c <= 0x7a
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39

/**
 * The layout element starting at `layout[i]`, '' when none does, as Go's nextStdChunk tells them
 * apart: compared by char code in place, never slicing the layout. Jan and Mon followed by a
 * lower-case letter are text (Janu, Monda); a fraction is a run of 0s or 9s after '.' or ','
 * followed by no digit.
 */
export function stdChunkAt(layout: string, i: number): string {
  const c = layout.charCodeAt(i)
  const at = (s: string): boolean => layout.startsWith(s, i)
  switch (c) {
    case 0x4a: // J
      if (at('January')) return 'January'
      return at('Jan') && !isLower(layout.charCodeAt(i + 3)) ? 'Jan' : ''
    case 0x4d: // M
      if (at('Monday')) return 'Monday'
      if (at('Mon') && !isLower(layout.charCodeAt(i + 3))) return 'Mon'
      return at('MST') ? 'MST' : ''
    case 0x30: { // 0
      const d = layout.charCodeAt(i + 1)
      if (d >= 0x31 && d <= 0x36) return layout.slice(i, i + 2)
      return at('002') ? '002' : ''
    }
    case 0x31: // 1
      return at('15') ? '15' : '1'
    case 0x32: // 2
      return at('2006') ? '2006' : '2'
    case 0x33: case 0x34: case 0x35: // 3 4 5
      return layout[i] ?? ''
    case 0x5f: // _
      // Go reads _2006 as a literal '_' before the year, not _2 (the day) before 006.
      if (at('_2')) return at('_2006') ? '' : '_2'
      return at('__2') ? '__2' : ''
    case 0x50: // P
      return at('PM') ? 'PM' : ''
    case 0x70: // p
      return at('pm') ? 'pm' : ''
    case 0x5a: // Z
    case 0x2d: // -
      return zoneChunkAt(layout, i)
    case 0x2e: case 0x2c: { // . ,
      const digit = layout.charCodeAt(i + 1)
      if (digit !== 0x30 && digit !== 0x39) return ''
      let j = i + 1
      while (layout.charCodeAt(j) === digit) j++
      return isDigit(layout.charCodeAt(j)) ? '' : layout.slice(i, j)
    }
    default:
      return ''
  }
}

// The zone elements after their first letter (Z or -), longest first.
const zoneChunks = ['070000', '07:00:00', '0700', '07:00', '07'] as const

/** The zone element (Z07:00, -0700, …) at `layout[i]`, a Z or a minus sign; '' when none. */
function zoneChunkAt(layout: string, i: number): string {
  for (const rest of zoneChunks) if (layout.startsWith(rest, i + 1)) return layout.slice(i, i + 1 + rest.length)
  return ''
}

/**
 * The next layout element of `layout` as Go's nextStdChunk finds it: the literal text before it
 * and the element ('' when there is none).
 */
export function nextStd(layout: string): { prefix: string; std: string } {
  for (let i = 0; i < layout.length; i++) {
    const std = stdChunkAt(layout, i)
    if (std !== '') return { prefix: layout.slice(0, i), std }
  }
  return { prefix: layout, std: '' }
}

const pad2 = (n: number): string => String(n).padStart(2, '0')

/** A zone offset (seconds east of UTC) as the zone element `kind` (Z07:00, -0700, …) writes it. */
export function zoneText(offset: number, kind: string): string {
  if (kind.startsWith('Z') && offset === 0) return 'Z'
  const sign = offset < 0 ? '-' : '+'
  const abs = Math.abs(offset)
  const h = pad2(Math.floor(abs / 3600))
  const m = pad2(Math.floor((abs % 3600) / 60))
  const s = pad2(abs % 60)
  const body = kind.replace(/^[Z-]/, '')
  if (body === '07') return `${sign}${h}`
  if (body === '0700') return `${sign}${h}${m}`
  if (body === '070000') return `${sign}${h}${m}${s}`
  if (body === '07:00') return `${sign}${h}:${m}`
  return `${sign}${h}:${m}:${s}`
}
