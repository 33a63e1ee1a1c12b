// A CronJob schedule checked as kube-apiserver checks it, with robfig/cron v3's standard parser
// (five fields or a descriptor, optional `TZ=`/`CRON_TZ=` prefix) and the messages it returns.

interface Bounds {
  readonly min: number
  readonly max: number
  readonly names?: Readonly<Record<string, number>> | undefined
}

const months = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 }
const days = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 }
const FIELDS: readonly Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: months },
  { min: 0, max: 6, names: days },
]
const DESCRIPTORS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'])

class CronError extends Error {}

/** strconv.Atoi followed by cron's negative check. */
function parseInt(expr: string): number {
  if (!/^[+-]?[0-9]+$/.test(expr)) throw new CronError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`)
  const n = Number(expr)
  if (!Number.isSafeInteger(n) || Math.abs(n) > 2 ** 63) throw new CronError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: value out of range`)
  if (n < 0) throw new CronError(`negative number (${n}) not allowed: ${expr}`)
  return n
}

function intOrName(expr: string, bounds: Bounds): number {
  const named = bounds.names === undefined ? undefined : Object.entries(bounds.names).find(([k]) => k === expr.toLowerCase())
  return named === undefined ? parseInt(expr) : named[1]
}

function checkRange(expr: string, bounds: Bounds): void {
  const rangeAndStep = expr.split('/')
  const lowAndHigh = (rangeAndStep[0] ?? '').split('-')
  let start: number
  let end: number
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = bounds.min
    end = bounds.max
  } else {
    start = intOrName(lowAndHigh[0] ?? '', bounds)
    if (lowAndHigh.length === 1) end = start
    else if (lowAndHigh.length === 2) end = intOrName(lowAndHigh[1] ?? '', bounds)
    else throw new CronError(`too many hyphens: ${expr}`)
  }
  let step = 1
  if (rangeAndStep.length === 2) {
    step = parseInt(rangeAndStep[1] ?? '')
    if (lowAndHigh.length === 1) end = bounds.max
  } else if (rangeAndStep.length > 2) throw new CronError(`too many slashes: ${expr}`)
  if (start < bounds.min) throw new CronError(`beginning of range (${start}) below minimum (${bounds.min}): ${expr}`)
  if (end > bounds.max) throw new CronError(`end of range (${end}) above maximum (${bounds.max}): ${expr}`)
  if (start > end) throw new CronError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`)
  if (step === 0) throw new CronError(`step of range should be a positive number: ${expr}`)
}

/** One number and unit of a Go duration, read where the last one ended. */
const DURATION_PART = /(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h)/y

/**
 * Go's time.ParseDuration acceptance, enough to tell `@every 1h30m` from nonsense: a sign, then
 * numbers with units. Read part by part: as one pattern with a repeated group, V8 kept a backtracking
 * frame per part, and a value of 2 MB overflowed the stack. Each part is the only one possible where
 * it starts (a shorter number or unit would leave a digit or a letter where the next part must start).
 */
function isGoDuration(text: string): boolean {
  if (text === '0') return true
  const start = text.startsWith('-') || text.startsWith('+') ? 1 : 0
  if (start === text.length) return false
  DURATION_PART.lastIndex = start
  while (DURATION_PART.lastIndex < text.length) if (!DURATION_PART.test(text)) return false
  return true
}

function parse(spec: string): void {
  let rest = spec
  if (rest.startsWith('TZ=') || rest.startsWith('CRON_TZ=')) {
    const space = rest.indexOf(' ')
    // The zone database is not consulted here; any zone name is taken as valid.
    rest = space < 0 ? '' : rest.slice(space).trim()
  }
  if (rest.length === 0) throw new CronError('empty spec string')
  if (rest.startsWith('@')) {
    if (DESCRIPTORS.has(rest)) return
    if (rest.startsWith('@every ')) {
      const duration = rest.slice('@every '.length)
      if (!isGoDuration(duration)) throw new CronError(`failed to parse duration ${rest}: time: invalid duration ${JSON.stringify(duration)}`)
      return
    }
    throw new CronError(`unrecognized descriptor: ${rest}`)
  }
  const fields = rest.split(/\s+/).filter((f) => f !== '')
  if (fields.length !== 5) throw new CronError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`)
  fields.forEach((field, i) => {
    for (const expr of field.split(',')) checkRange(expr, FIELDS[i] as Bounds)
  })
}

/** What robfig/cron's ParseStandard says about a schedule, or undefined when it parses. */
export function cronScheduleError(schedule: string): string | undefined {
  try {
    parse(schedule)
    return undefined
  } catch (err) {
    if (err instanceof CronError) return err.message
    throw err
  }
}
