// Templates whose output depends on Go's time.Local and on nothing else (no clock but now's
// Location): what helm prints under a TZ, the SDK prints with the matching timeZone.
import type { TemplateCase } from '../helpers/differential.js'

const c = (name: string, body: string): TemplateCase => ({ name, body })
const at = (value: string, layout = '2006-01-02 15:04'): string => `(toDate ${JSON.stringify(layout)} ${JSON.stringify(value)})`
const show = (t: string): string => `{{ ${t} }} {{ ${t}.GoString }} {{ ${t}.Location }} {{ ${t}.IsDST }} {{ ${t}.Unix }}`

export const localZoneCases: TemplateCase[] = [
  c('Local names itself', `{{ now.Location }} {{ printf "%q" now.Location.String }} {{ (now.UTC.Local).Location }} {{ now.GoString | regexFind "time\\\\.[A-Za-z]+\\\\)$" }}`),
  c('toDate parses in Local', [at('2024-07-01 12:00'), at('2024-01-15 08:30'), at('2024-12-31 23:59:59', '2006-01-02 15:04:05')].map(show).join(' | ')),
  c('historic dates: local mean time and old rules', [at('1850-06-01 00:00'), at('1900-01-01 00:00'), at('1918-07-01 12:00'), at('1942-07-01 12:00'), at('1970-01-01 00:00'), at('0001-01-01 00:00')].map(show).join(' | ')),
  c('far future: the footer rule', [at('2100-07-01 12:00'), at('2100-01-01 12:00'), at('2300-03-30 12:00')].map(show).join(' | ')),
  c('wall times in a spring gap and an autumn overlap', ['2024-03-31 02:30', '2024-10-27 02:30', '2024-03-10 02:30', '2024-11-03 01:30', '2024-04-07 02:30', '2024-10-06 02:15', '2024-03-29 02:30'].map((v) => show(at(v))).join(' | ')),
  c('offsets Local has or has not at that instant', ['+0000', '+0100', '+0200', '-0400', '-0500', '+0530', '+1030', '+1100', '-0300'].map((o) => show(at(`2024-07-01 12:00 ${o}`, '2006-01-02 15:04 -0700'))).join(' | ')),
  c('offset and abbreviation together', ['+0200 CEST', '+0100 CEST', '-0400 EDT', '+0000 GMT', '+0100 IST', '+0530 IST', '+1030 +1030'].map((o) => show(at(`2024-07-01 12:00 ${o}`, '2006-01-02 15:04 -0700 MST'))).join(' | ')),
  c('abbreviations: Local zones, and others of offset 0', ['2024-07-01 12:00 CEST', '2024-01-01 12:00 CEST', '2024-07-01 12:00 CET', '2024-07-01 12:00 EST', '2024-07-01 12:00 EDT', '2024-01-01 12:00 EDT', '2024-07-01 12:00 IST', '2024-01-01 12:00 GMT', '2024-07-01 12:00 BST', '1900-01-01 00:00 LMT', '1900-01-01 00:00 PMT', '2024-07-01 12:00 GMT+2', '2024-07-01 12:00 -03', '2024-07-01 12:00 AEST', '2024-01-01 12:00 AEDT', '2024-07-01 12:00 Z'].map((v) => show(at(v, '2006-01-02 15:04 MST'))).join(' | ')),
  c('date, htmlDate and dateInZone "Local" of Unix seconds and times', `{{ date "2006-01-02 15:04:05 MST -0700 Mon" 1720000000 }} | {{ date "2006-01-02 15:04 MST" ${at('2024-07-01 12:00 +0000', '2006-01-02 15:04 -0700')} }} | {{ htmlDate 1700000000 }} | {{ htmlDate -2208988800 }} | {{ dateInZone "15:04 MST" 1720000000 "Local" }} | {{ dateInZone "15:04 MST" 1720000000 "UTC" }} | {{ dateInZone "15:04 MST" 1720000000 "" }} | {{ dateInZone "15:04 MST" 1720000000 "Europe/Paris" }} | {{ date "Z07:00 -07:00:00" -5000000000 }} | {{ date "2006-01-02" (int64 1720000000) }} | {{ date "2006-01-02 15:04" (int 0) }}`),
  c('time.Time Local, In and UTC', `{{ ${at('2024-07-01 12:00 +0000', '2006-01-02 15:04 -0700')}.Local }} | {{ ${at('2024-07-01 12:00:00Z', '2006-01-02 15:04:05Z07:00')}.Local.GoString }} | {{ (${at('2024-07-01 12:00')}.UTC).Local }} | {{ ${at('2024-07-01 12:00:00Z', '2006-01-02 15:04:05Z07:00')}.In ${at('2024-01-01 00:00')}.Location }} | {{ ${at('2024-07-01 12:00')}.UTC }} | {{ ${at('2024-07-01 12:00')}.In ${at('2024-07-01 12:00 +0300', '2006-01-02 15:04 -0700')}.Location }}`),
  c('Format and arithmetic across transitions', `{{ ${at('2024-03-30 12:00')}.AddDate 0 0 1 }} | {{ ${at('2024-10-26 12:00')}.AddDate 0 0 1 }} | {{ ${at('2024-03-09 12:00')}.AddDate 0 0 1 }} | {{ ${at('2024-03-31 01:59')}.Add 120000000000 }} | {{ ${at('2024-10-27 00:30')}.Add 7200000000000 }} | {{ ${at('2024-07-01 12:34')}.Truncate 3600000000000 }} | {{ ${at('2024-07-01 12:00')}.Format "Mon Jan _2 15:04:05 MST 2006 Z07:00 -0700" }} | {{ ${at('2024-07-01 12:00')}.YearDay }} {{ ${at('2024-07-01 12:00')}.Hour }} {{ ${at('2024-07-01 12:00')}.Weekday }}`),
  c('dateModify, unixEpoch and comparisons of Local times', `{{ dateModify "24h" ${at('2024-03-30 12:00')} }} | {{ dateModify "-1h" ${at('2024-10-27 03:30')} }} | {{ unixEpoch ${at('2024-07-01 12:00')} }} | {{ ${at('2024-07-01 12:00')}.Equal ${at('2024-07-01 10:00 +0000', '2006-01-02 15:04 -0700')} }} | {{ ${at('2024-07-01 12:00')}.Sub ${at('2024-01-01 12:00')} }}`),
  c('Local times through the encoders', `{{ toJson (list ${at('2024-07-01 12:00')} ${at('1900-01-01 00:00')}) }} | {{ toYaml (dict "t" ${at('2024-01-01 12:00')}) }} | {{ toToml (dict "t" ${at('2024-07-01 12:00:00.5', '2006-01-02 15:04:05.0')}) }} | {{ toString ${at('2024-07-01 12:00')} }} | {{ printf "%v %s" ${at('2024-07-01 12:00')} ${at('2024-07-01 12:00')} }}`),
  c('fromToml times converted to Local', `{{ $d := fromToml "t = 2024-07-01T12:00:00Z\\nl = 2024-01-01T08:00:00\\no = 1900-01-01T00:00:00+01:00" }}{{ $d.t.Local }} | {{ $d.l.Local }} | {{ $d.o.Local.GoString }} | {{ $d.t.Local.Location }} | {{ date "15:04 MST" $d.t }} | {{ $d.l }} | {{ toJson $d.l }} | {{ toToml $d }}`),
]

/** `TZ` values for helm, each with what the SDK is given (through loadLocalTimeZone unless `option` says). */
export interface ZoneRun {
  /** helm's TZ; null leaves it unset. */
  readonly tz: string | null
  readonly why: string
}

export const zoneRuns: ZoneRun[] = [
  { tz: 'Europe/Paris', why: 'a name (CET/CEST, PMT and LMT before 1911)' },
  { tz: ':America/New_York', why: 'a name after a colon' },
  { tz: 'Australia/Lord_Howe', why: 'half-hour DST' },
  { tz: 'Europe/Dublin', why: 'negative DST (winter GMT is the daylight time)' },
  { tz: 'America/Sao_Paulo', why: 'numeric abbreviations (-03), DST abolished in 2019' },
  { tz: 'Asia/Kolkata', why: 'IST at +0530, historic +0553 LMT' },
  { tz: 'Etc/UTC', why: 'a UTC zone loaded from its file' },
  { tz: 'UTC', why: 'UTC, Go\'s fallback without zone data' },
  { tz: '', why: 'empty: UTC' },
  { tz: ':', why: 'a colon alone: UTC' },
  { tz: 'Nope/Zone', why: 'an unknown name: UTC' },
  { tz: 'europe/paris', why: 'a name of another case: unknown, UTC' },
  { tz: '/usr/share/zoneinfo/Asia/Tokyo', why: 'an absolute path: that file, named by its path' },
  { tz: ':/usr/share/zoneinfo/America/Santiago', why: 'an absolute path after a colon' },
  { tz: '/nonexistent/zone', why: 'an absolute path to no file: UTC' },
  { tz: null, why: 'unset: /etc/localtime on both sides, named Local' },
]
