// Go's time values in templates, where helm's output is deterministic (times from toDate, not
// now): time.Month and time.Weekday (ints with String()), time.Duration (an int64 with String()
// and methods) through every fmt verb, Sprig's conversions and the encoders, and time.Time's
// arithmetic methods.
import type { TemplateCase } from '../helpers/differential.js'

const c = (name: string, body: string): TemplateCase => ({ name, body })
const t = '(toDate "2006-01-02" "2024-03-05")'
const tz = '(toDate "2006-01-02T15:04:05.000000000Z07:00" "2024-01-31T10:20:30.123456789+02:00")'
const u = '(toDate "2006-01-02" "2023-12-25")'
const d = `(${tz}.Sub ${u})`

export const timeValueCases: TemplateCase[] = [
  c('Month through %d and friends', `{{ printf "%d|%v|%s|%q|%x|%X|%5d|%-8s|%#v|%T|%+v|%o|%b|%U|%03d" ${t}.Month ${t}.Month ${t}.Month ${t}.Month ${t}.Month ${t}.Month ${t}.Month ${t}.Month ${t}.Month ${t}.Month ${t}.Month ${t}.Month ${t}.Month ${t}.Month ${t}.Month }}`),
  c('Month and Weekday with bad verbs and extra operands', `{{ printf "%t|%e|%6.2f" ${t}.Month ${t}.Month ${t}.Month }} {{ printf "%d" ${t}.Weekday ${t}.Month }}`),
  c('Weekday through %d %v %T %#v', `{{ printf "%d %v %T %#v %s" ${t}.Weekday ${t}.Weekday ${t}.Weekday ${t}.Weekday ${t}.Weekday }}`),
  c('Month and Weekday printed, listed and as Stringers', `{{ ${t}.Month }} {{ ${t}.Weekday }} {{ list ${t}.Month ${t}.Weekday }} {{ print ${t}.Month 1 }} {{ println ${t}.Month }}|{{ ${t}.Month.String }} {{ ${t}.Weekday.String }}`),
  c('date layouts with month and weekday numbers', `{{ ${t} | date "1" }} {{ ${t} | date "01 Jan January 2 _2 02 Mon Monday" }} {{ ${tz} | date "2006-01-02 15:04:05.000 1 Jan -0700 MST" }}`),
  c('Month in comparisons and Sprig conversions', `{{ eq ${t}.Month 3 }} {{ lt ${t}.Month 4 }} {{ add ${t}.Month 1 }} {{ mul ${t}.Month 2 }} {{ max ${t}.Month 1 }} {{ int ${t}.Month }} {{ int64 ${t}.Month }} {{ float64 ${t}.Weekday }} {{ addf ${t}.Month 1 }} {{ toString ${t}.Month }} {{ quote ${t}.Month }} {{ typeOf ${t}.Month }} {{ kindOf ${t}.Month }} {{ empty ${t}.Month }} {{ index (list "a" "b" "c" "d") (int ${t}.Month) }}`),
  c('Month and Duration through the encoders', `{{ toJson ${t}.Month }} {{ toYaml (list ${t}.Month) }} {{ toJson ${d} }} {{ toYaml ${d} }} {{ toToml (dict "d" ${d} "m" ${t}.Month) | nindent 2 }}`),
  c('Month by value in lists', `{{ deepEqual ${t}.Month ${t}.Month }} {{ has ${t}.Month (list 1) }} {{ has 1 (list ${t}.Month) }} {{ uniq (list ${t}.Month ${t}.Month 1) }}`),
  c('Duration from Sub printed', `{{ ${d} }} {{ ${u}.Sub ${tz} }} {{ ${t}.Sub ${t} }} {{ (toDate "2006-01-02T15:04:05.000" "2024-03-01T00:00:00.001").Sub ${u} }} {{ (toDate "2006-01-02T15:04:05.000000" "2023-12-25T00:00:00.000007").Sub ${u} }} {{ (toDate "2006-01-02T15:04:05.000000000" "2023-12-25T00:00:00.000000042").Sub ${u} }}`),
  c('Duration through every verb', `{{ printf "%v|%d|%s|%10v|%-12s|%q|%T|%#v|%x|%.3v|%+v" ${d} ${d} ${d} ${d} ${d} ${d} ${d} ${d} ${d} ${d} ${d} }} {{ printf "%x" (${t}.Sub ${t}) }} {{ printf "%t" ${d} }}`),
  c('Duration methods', `{{ ${d}.Hours }} {{ ${d}.Minutes }} {{ ${d}.Seconds }} {{ ${d}.Milliseconds }} {{ ${d}.Microseconds }} {{ ${d}.Nanoseconds }} {{ ${d}.String }} {{ (${u}.Sub ${tz}).Abs }}`),
  c('Duration Round and Truncate', `{{ ${d}.Round ${d} }} {{ ${d}.Round 0 }} {{ ${d}.Truncate -5 }} {{ ${d}.Round 1000000000 }} {{ (${u}.Sub ${tz}).Round 60000000000 }} {{ (${u}.Sub ${tz}).Truncate 3600000000000 }} {{ (${u}.AddDate 0 0 1).Sub ${u} | ${d}.Round }} {{ (${u}.AddDate 0 0 1).Sub ${u} | ${d}.Truncate }}`),
  c('Duration in Sprig conversions (cast knows no Duration)', `{{ int ${d} }} {{ int64 ${d} }} {{ float64 ${d} }} {{ add ${d} 1 }} {{ mul ${d} 2 }} {{ max ${d} 1 }} {{ addf ${d} 1 }} {{ toString ${d} }} {{ quote ${d} }} {{ typeOf ${d} }} {{ kindOf ${d} }} {{ default 5 ${d} }} {{ empty ${d} }} {{ le ${d} 1 }} {{ eq ${d}.Nanoseconds 3226830123456789 }}`),
  c('time.Time arithmetic', `{{ ${tz}.AddDate 0 1 0 }} | {{ ${tz}.AddDate 1 -13 400 }} | {{ (${tz}.AddDate 0 0 -31).Weekday }} | {{ ${u}.AddDate 0 2 5 }} | {{ ${tz}.Add ${d} }} | {{ ${tz}.Add 1500 }} | {{ ${tz}.Add -86400000000000 }}`),
  c('time.Time comparisons and Unix forms', `{{ ${tz}.After ${u} }} {{ ${tz}.Before ${u} }} {{ ${tz}.Equal ${tz} }} {{ ${tz}.Compare ${u} }} {{ ${u}.Compare ${tz} }} {{ ${tz}.UnixMilli }} {{ ${tz}.UnixMicro }} {{ ${tz}.UnixNano }} {{ ${tz}.Unix }} {{ ${tz} }} {{ ${tz}.UTC | date "2006-01-02 15:04 1 Jan" }} {{ ${tz}.YearDay }} {{ (toDate "2006-01-02" "2024-12-31").YearDay }}`),
  c('time.Time Truncate and Round', `{{ ${tz}.Truncate 3600000000000 }} | {{ ${tz}.Round 3600000000000 }} | {{ ${tz}.Truncate 86400000000000 }} | {{ ${tz}.Round 1000 }} | {{ ${tz}.Round 0 }} | {{ ${tz}.Truncate 7000000000 }} | {{ ${u}.Round (${tz}.Sub ${u}) }}`),
  c('parsed offsets print as Go prints a fixed zone', `{{ toDate "2006-01-02T15:04:05Z07:00" "2024-01-31T10:20:30+05:30" }} | {{ toDate "2006-01-02T15:04:05Z07:00" "2024-01-31T10:20:30-08:00" }} | {{ toDate "2006-01-02T15:04:05Z07:00" "2024-01-31T10:20:30+00:00" }}`),
]

/** Cases that fail the same way on both sides: type errors Go's reflection raises. */
// time.Time's zone methods and layouts (the zones whose abbreviations Intl and tzdata agree on)
const ny = '(toDate "2006-01-02T15:04:05" "2024-07-04T23:59:59")'
timeValueCases.push(
  c('time.Time In, Local, Location and UTC', `{{ ${tz}.Local }} | {{ ${ny}.Local }} | {{ ${tz}.In ${ny}.Location }} | {{ ${ny}.In ${tz}.Location }} | {{ ${tz}.UTC.Location }} | {{ ${ny}.Local.Location }} | {{ printf "%q %T" ${tz}.Location.String ${tz}.Location }} | {{ ${tz}.In ${ny}.Location | date "MST -0700" }}`),
  c('time.Time IsDST and GoString', `{{ ${tz}.IsDST }} {{ ${ny}.IsDST }} | {{ ${tz}.GoString }} | {{ ${ny}.GoString }} | {{ ${tz}.UTC.GoString }} | {{ ${ny}.Local.GoString }} | {{ (${ny}.In ${tz}.UTC.Location).GoString }} | {{ (toDate "x" "y").GoString }}`),
  c('dateInZone across zones', `{{ dateInZone "2006-01-02 15:04:05 MST -0700" ${ny} "America/New_York" }} | {{ dateInZone "2006-01-02 15:04:05 -07:00:00" ${ny} "Pacific/Chatham" }} | {{ dateInZone "2006-01-02 15:04:05 MST -0700" ${ny} "Asia/Kathmandu" }} | {{ dateInZone "2006-01-02 15:04 MST -0700" ${ny} "Etc/GMT+5" }} | {{ dateInZone "15:04 MST" ${ny} "EST" }} | {{ dateInZone "15:04 MST" ${ny} "Invalid/Zone" }} | {{ dateInZone "15:04 MST" ${ny} "" }} | {{ dateInZone "15:04 MST" ${ny} "utc" }} | {{ dateInZone "15:04 MST" ${ny} "Local" }} | {{ dateInZone "2006-01-02 15:04 -0700" ${ny} "America/Sao_Paulo" }} | {{ htmlDateInZone ${ny} "Asia/Tokyo" }} | {{ dateInZone "Z07 Z0700 Z07:00 -07 -070000 Z070000" ${ny} "Asia/Kolkata" }}`),
  c('Format layouts', `{{ ${tz}.Format "Monday, 02-Jan-06 15:04:05 MST" }} | {{ ${tz}.Format "Mon, 02 Jan 2006 15:04:05 -0700" }} | {{ ${tz}.Format "Mon Jan _2 15:04:05.000000 2006" }} | {{ ${tz}.Format "3:04PM" }} | {{ ${tz}.Format "__2 002 ,000 ,999 .9 pm PM" }} | {{ ${tz}.Format "_2006 x_2006_2 __2006 _2" }} | {{ ${tz}.Format "06 6 2 1 Janu Monda Mond Jan. Mon. 0 00 000 20061" }} | {{ ${tz}.Format ".00 .99 .000000000 .999999999 .0000000000" }}`),
  c('dateModify, unixEpoch and durations of fixed times', `{{ dateModify "-1.5h" ${tz} }} | {{ dateModify "+90m" ${tz} }} | {{ dateModify "1h30m15s" ${tz} }} | {{ dateModify "bad" ${tz} }} | {{ dateModify "1d" ${tz} }} | {{ unixEpoch ${tz} }} {{ unixEpoch ${ny} }} | {{ duration "3661" }} {{ duration 90061 }} {{ durationRound "2h5m" }} {{ durationRound "-1h" }} | {{ ${ny}.Sub ${tz} }} | {{ ${tz}.Add (${ny}.Sub ${tz}) }} | {{ ${tz}.Round 1800000000000 }}`),
)

export const timeValueErrorCases: TemplateCase[] = [
  c('a Month where a string is wanted', `{{ ${t}.Month | upper }}`),
  c('a Month where an int is wanted', `{{ until ${t}.Month }}`),
  c('a Duration where a time is wanted', `{{ ${u}.Sub ${d} }}`),
  c('a float where a Duration is wanted', `{{ ${tz}.Add 1.5 }}`),
  c('a string where a Location is wanted', `{{ ${tz}.In "UTC" }}`),
  // Go's multi-value methods: text/template calls a method only with one result, or two whose second is an error
  c('Zone on a parenthesised time', `{{ ${t}.Zone }}`),
  c('ISOWeek on a parenthesised time', `{{ ${t}.ISOWeek }}`),
  c('Zone on a variable, as an argument', `{{ $t := ${t} }}{{ print $t.Zone }}`),
  c('Date on a variable', `{{ $t := ${t} }}{{ $t.Date }}`),
  c('Clock on a variable in a pipeline', `{{ $t := ${t} }}{{ $t.Clock | print }}`),
  c('ZoneBounds on a variable', `{{ $t := ${t} }}{{ $t.ZoneBounds }}`),
  c('Zone on a field of the dot', `{{ with dict "t" ${t} }}{{ .t.Zone }}{{ end }}`),
  c('ISOWeek in a parenthesised pipeline', `{{ $t := ${t} }}{{ ($t.ISOWeek) }}`),
  c('Date with an argument', `{{ $t := ${t} }}{{ $t.Date 1 }}`),
]

// Zones as Go reads the system's TZif files (src/internal/funcs/tzif.ts), where Node's Intl data
// answers otherwise: tzdata's abbreviations (IST, BST, SAST, numeric <-03>), historic offsets and
// local mean time (seconds in the offset), negative DST (Europe/Dublin's winter GMT), the footer's
// POSIX rule for instants past the last transition (times of day past 24h or negative), and names
// Go's LoadLocation refuses (case differs from the file, `..`, a leading slash, a directory).
const at = (date: string): string => `(toDate "2006-01-02 15:04" "${date}")`
const full = '"2006-01-02 15:04:05 MST -07:00:00"'
const inZones = (date: string, zones: readonly string[]): string => zones.map((z) => `{{ dateInZone ${full} ${at(date)} "${z}" }}`).join(' | ')
timeValueCases.push(
  c('tzdata abbreviations where Intl has GMT+n', inZones('2024-07-01 12:00', ['Asia/Kolkata', 'Europe/London', 'Africa/Johannesburg', 'America/Sao_Paulo', 'Asia/Dubai', 'Europe/Dublin', 'Asia/Jerusalem', 'Australia/Lord_Howe', 'Antarctica/Troll', 'Asia/Kathmandu'])),
  c('tzdata winter and negative DST', inZones('2024-01-15 12:00', ['Europe/Dublin', 'Europe/London', 'Australia/Lord_Howe', 'America/Santiago', 'Africa/Casablanca', 'Pacific/Apia'])),
  c('historic offsets and local mean time', inZones('1900-06-01 00:00', ['Europe/Paris', 'Asia/Kolkata', 'America/New_York', 'Europe/Amsterdam', 'Africa/Monrovia']) + ' | ' + inZones('1940-07-01 00:00', ['Europe/London', 'Europe/Berlin', 'Asia/Tokyo']) + ' | ' + inZones('1969-01-01 00:00', ['Europe/London', 'Asia/Singapore'])),
  c('the footer rule past the last transition', inZones('2100-07-01 12:00', ['America/New_York', 'Europe/Berlin', 'Australia/Sydney', 'America/Nuuk', 'Asia/Jerusalem', 'America/Santiago', 'Pacific/Chatham', 'America/Havana']) + ' | ' + inZones('2100-01-01 12:00', ['America/Nuuk', 'America/Santiago', 'Australia/Lord_Howe'])),
  c('footer rule transition edges', inZones('2087-03-09 06:59', ['America/New_York']) + ' | ' + inZones('2087-03-09 07:00', ['America/New_York']) + ' | ' + inZones('2087-11-02 05:59', ['America/New_York']) + ' | ' + inZones('2087-11-02 06:00', ['America/New_York']) + ' | ' + inZones('2090-03-25 00:59', ['Europe/London']) + ' | ' + inZones('2090-03-26 01:00', ['Europe/London'])),
  c('zone names Go refuses fall back to UTC', inZones('2024-07-01 12:00', ['asia/kolkata', 'ASIA/KOLKATA', 'Asia/../Asia/Kolkata', '/usr/share/zoneinfo/Asia/Kolkata', 'Asia', 'Asia/Kolkata ', 'US/Pacific', 'Etc/GMT-14', 'GMT+0', 'posixrules', 'right/UTC', 'zone.tab', '../../../../etc/passwd'])),
)

// toDate as Go's time.ParseInLocation reads a layout (src/internal/funcs/goParse.ts): zero-value
// fields, day-of-year, two-digit years, numeric and named zones, fractions the layout lacks.
const td = (layout: string, value: string): string => `{{ toDate ${JSON.stringify(layout)} ${JSON.stringify(value)} }}`
timeValueCases.push(
  c('toDate fields and defaults', [td('', ''), td('2006', ''), td('2006-002', '2024-060'), td('2006-002', '2023-365'), td('__2 2006', ' 60 2024'), td('_2006-01-02', '_2024-03-04'), td('06-01-02', '68-01-02'), td('06-01-02', '69-01-02'), td('2006-01-02', '2024-2-3'), td('Jan 2 2006', 'feb 3 2024'), td('Monday 2006-01-02', 'Friday 2024-01-02'), td('2006-01-02 3PM', '2024-01-02 13PM'), td('3:04 pm', '3:04 PM'), td('2006-01-02', '2024-02-30'), td('2006-01-02   15', '2024-01-02 15')].join(' | ')),
  c('toDate zones and fractions', [td('2006-01-02 MST', '2024-07-01 IST'), td('2006-01-02 MST', '2024-07-01 CEST'), td('2006-01-02 MST', '2024-07-01 UTC'), td('2006-01-02 MST', '2024-07-01 GMT+3'), td('2006-01-02 MST', '2024-07-01 ChST'), td('2006-01-02 MST', '2024-07-01 WITA'), td('2006-01-02 MST', '2024-07-01 +05'), td('2006-01-02 MST', '2024-07-01 ABCDE'), td('2006-01-02T15:04:05Z07:00', '2024-01-02T03:04:05+25:00'), td('2006-01-02 Z070000', '2024-01-02 +053000'), td('2006-01-02 -0700 MST', '2024-01-02 +0200 CEST'), td('2006-01-02 -0700', '2024-01-02 +0000'), td('2006-01-02 15:04:05', '2023-02-28 10:04:05.123'), td('2006-01-02 15:04:05,000', '2024-01-02 03:04:05,123'), td('2006-01-02T15:04:05.999999999Z07:00', '2024-01-02T03:04:05.5Z')].join(' | ')),
  c('toDate zones as time values', `{{ $t := toDate "2006-01-02 MST" "2024-07-01 CEST" }}{{ $t.GoString }} {{ $t.Location }} {{ $t.Format "MST -0700" }} | {{ $g := toDate "2006-01-02 MST" "2024-07-01 GMT-4" }}{{ $g.GoString }} {{ $g.UTC }} | {{ (toDate "2006-01-02 -0700" "2024-01-02 +0000").GoString }} | {{ (toDate "2006-01-02 MST" "2024-07-01 UTC").GoString }}`),
)
const mt = (layout: string, value: string): TemplateCase => c(`mustToDate ${JSON.stringify(layout)} ${JSON.stringify(value)}`, `{{ mustToDate ${JSON.stringify(layout)} ${JSON.stringify(value)} }}`)
timeValueErrorCases.push(
  mt('2006-01-02', 'nope'), mt('2006-01-02', '2024-13-01'), mt('2006-01-02', '2024-01-01 extra'), mt('2006-01-02 -0700', '2024-01-01 +2500'),
  mt('2006-002', '2023-366'), mt('01 2006-002', '03 2024-060'), mt('2006-01-02', '2023-02-29'), mt('Jan 2006', 'Fév 2024'), mt('2006 "x"', '2024 "y"'),
  mt('2006-01-02 15:04:05.000', '2024-01-02 03:04:05.12'), mt('15:04', '24:00'), mt('2006-01-02 MST', '2024-01-02 Utc'), mt('2006-01-02T15:04:05Z07:00', '2024-01-02T03:04:05+0100'),
  mt('3PM', '3XM'), mt('2006-01-02 15:04:05', '2024-01-02 10:04:60'), mt('2006-01-02', '2024-01-02\u00e9'),
)
