// The Sprig and Helm functions added with issue 19's second round: deterministic ones compared byte
// for byte, random and clock-bound ones by shape (both sides must match the pattern).
import type { TemplateCase } from '../helpers/differential.js'

const c = (name: string, body: string): TemplateCase => ({ name, body })

export const moreFunctionCases: TemplateCase[] = [
  c('toToml', '{{ toToml (dict "s" "x\\"y\\n" "i" 3 "f" 1.5 "g" 2.0 "b" true "n" nil "l" (list 1 "a") "key with space" 1 "t" (dict "x" 1 "u" (dict "y" 2) "arr" (list (dict "p" 1) (dict "p" 2))) "z" 0.000001 "big" 3e21) }}|{{ toToml .Values.map }}|{{ toToml (dict "list" .Values.mixed "m" (dict "k" (list (dict "a" 1) 2))) }}'),
  c('fromToml', '{{ $t := fromToml "title = \\"x\\"\\n# c\\nn = 1_000\\nh = 0xff\\nf = 1.5e3\\nb = true\\narr = [1,\\n  2, ] # x\\nlit = \'C:\\\\p\'\\ndotted.key = \\"d\\"\\ninl = {a = 1, b.c = \\"e\\"}\\n[srv]\\nip = \\"10.0.0.1\\"\\n[srv.sub]\\nx = \\"\\\\u00e9\\\\t\\"\\n[[prod]]\\nname = \\"a\\"\\n[[prod]]\\nname = \\"b\\"\\n" }}{{ $t }} {{ printf "%T %T" $t.n $t.f }}|{{ toJson $t }}|{{ (fromToml "a = 1\\na = 2\\n").a }}'),
  c('fromToml dates and times', '{{ $t := fromToml "odt = 1979-05-27T07:32:00Z\\nodt2 = 1979-05-27T00:32:00.999999-07:00\\nldt = 1979-05-27T07:32:00\\nld = 1979-05-27\\nlt = 07:32:00\\nlt2 = 00:32:00.999999\\nsp = 1979-05-27 07:32:00Z\\nlow = 1979-05-27t07:32:00z\\nodt3 = 1979-05-27T07:32:00.5+05:30\\narr = [1979-05-27, 07:32:00]\\n[tab]\\nd = 2000-01-01T00:00:00.123456789Z\\n" }}{{ $t }}|{{ toJson $t }}|{{ toYaml $t }}|{{ printf "%T %T %T %T" $t.odt $t.ldt $t.ld $t.lt }}|{{ toToml $t }}|{{ $t.odt.Year }} {{ $t.ld.Month }} {{ $t.lt.Hour }} {{ $t.odt2.Nanosecond }} {{ $t.odt | date "2006-01-02T15:04" }} {{ $t.ld | unixEpoch }} {{ $t.ldt.Location }} [{{ $t.odt2.Location }}] {{ $t.odt.Location }} {{ $t.ld.Weekday }} {{ $t.lt.IsZero }}|{{ (fromToml "a = 1979-02-30").Error }}|{{ (fromToml "a = 1979-05-27T07:32").a }} {{ (fromToml "b = 07:32").b }} {{ (fromToml "a.b = 25:00:00").Error }}'),
  c('toYamlPretty', '{{ toYamlPretty (dict "a" (list 1 (dict "b" (list "x" "y"))) "c" (dict "d" (list) "e" (list (list 1 2)))) }}|{{ toYamlPretty .Values.list }}'),
  c('toPrettyJson toRawJson', '{{ toPrettyJson (dict "a" (list 1 "<x>") "b" (dict) "c" (list) "d" (dict "e" nil)) }}|{{ toRawJson (dict "h" "<&>" "q" "\\\\u003c") }}|{{ mustToPrettyJson 1 }}|{{ mustToRawJson "&" }}'),
  c('must forms of list functions', '{{ mustFirst (list 1 2) }} {{ mustLast (list 1 2) }} {{ mustRest (list 1 2 3) }} {{ mustInitial (list 1 2 3) }} {{ mustReverse (list 1 2) }} {{ mustUniq (list 1 1 2) }} {{ mustWithout (list 1 2) 1 }} {{ mustHas 1 (list 1) }} {{ mustSlice (list 1 2 3) 1 }} {{ mustAppend (list 1) 2 }} {{ mustPush (list 1) 3 }} {{ mustPrepend (list 1) 0 }} {{ mustCompact (list "" "a") }} {{ mustChunk 2 (list 1 2 3) }}'),
  c('must forms of regex and dict functions', '{{ mustRegexMatch "a+" "aa" }} {{ mustRegexFind "a+" "baa" }} {{ mustRegexFindAll "a" "aba" -1 }} {{ mustRegexReplaceAll "a(b)" "abab" "${1}x" }} {{ mustRegexReplaceAllLiteral "a" "aba" "$1" }} {{ mustRegexSplit "b" "abab" -1 }} {{ mustMerge (dict "a" 1) (dict "b" 2) }} {{ mustMergeOverwrite (dict "a" 1) (dict "a" 2) }} {{ mustDeepCopy (dict "a" (list 1)) }} {{ mustFromJson "{\\"a\\":[1,2]}" }}'),
  c('paths', '{{ base "/a/b.txt" }} {{ dir "/a/b.txt" }} {{ clean "a//b/../c/." }} {{ ext "x.tar.gz" }} {{ isAbs "/x" }} {{ osBase "a/b/" }} {{ osDir "a/b" }} {{ osClean "/../a" }} [{{ osExt "a" }}] {{ osIsAbs "a" }} {{ base "" }} {{ dir "" }} {{ base "/" }} {{ clean "../../x" }} {{ dir "a" }}'),
  c('string and number extras', '{{ abbrevboth 5 10 "1234 5678 9123" }}|{{ abbrevboth 0 10 "1234 5678 9123" }}|{{ trimall "$" "$5.00$" }}|{{ splitn "$" 2 "foo$bar$baz" }}|{{ splitn "$" 0 "a$b" }}|{{ biggest 1 5 3 }}|{{ add1f 1.5 }}|{{ b32dec "NBUQ====" }}|{{ hello }}'),
  c('dig and chunk', '{{ dig "a" "b" "dflt" (dict "a" (dict "b" 1)) }} {{ dig "a" "x" "dflt" (dict "a" (dict "b" 1)) }} {{ chunk 2 (list 1 2 3) }} {{ chunk 5 (list) }}'),
  c('urlParse urlJoin', '{{ urlParse "https://u:p@example.com:8080/a%20b/c?q=1&r=2#frag" }}|{{ urlParse "/rel/path?x" }}|{{ urlJoin (dict "scheme" "https" "host" "h.io:1" "path" "/x" "query" "a=b" "fragment" "f") }}'),
  c('getHostByName offline', '[{{ getHostByName "localhost" }}]'),
  c('dates from fixed times', '{{ $t := toDate "2006-01-02 15:04:05" "2024-03-05 07:08:09" }}{{ $t }}|{{ date "Mon Monday Jan January 1 01 2 02 _2 06 2006 3 03 15 4 04 5 05 PM pm MST -0700 -07:00 -07 Z0700 Z07:00 002 .000 .999" $t }}|{{ dateInZone "2006-01-02T15:04:05Z07:00" $t "UTC" }}|{{ htmlDate $t }}|{{ unixEpoch $t }}|{{ dateModify "+1h30m" $t }}|{{ dateModify "bad" $t }}|{{ dateModify "-1.5h" $t | htmlDate }}|{{ date "2006-01-02 15:04" (int64 1700000000) }}|{{ dateInZone "15:04" (toDate "2006-01-02" "2020-01-01") "Nowhere/Zone" }}|{{ date_modify "10m" $t }}|{{ date_in_zone "2006" $t "UTC" }}'),
  c('dates in named zones', '{{ $t := toDate "2006-01-02 15:04:05" "2024-07-05 07:08:09" }}{{ dateInZone "Jan 2 15:04 -0700" $t "America/New_York" }}|{{ htmlDateInZone $t "Asia/Tokyo" }}|{{ dateInZone "15:04 -07:00" $t "Asia/Kolkata" }}'),
  c('toDate with zones and errors', '{{ toDate "2006-01-02" "nope" }}|{{ toDate "2006-01-02T15:04:05Z07:00" "2024-01-02T03:04:05Z" }}|{{ toDate "2006-01-02 15:04:05.000" "2024-01-02 03:04:05.120" }}|{{ (toDate "02 Jan 06 15:04 PM" "05 Mar 24 03:04 PM").Year }}'),
  c('durations', '{{ duration "95" }} {{ duration (int64 3600) }} {{ duration 90 }} {{ duration "x" }} {{ durationRound "2h10m" }} {{ durationRound "400h" }} {{ durationRound "9000h" }} {{ durationRound (int64 1000000) }} {{ durationRound "-3m5s" }} {{ durationRound "bad" }} {{ durationRound "1.5s" }}'),
  c('ago of a fixed offset from now', '{{ ago (dateModify "-1h" now) }} {{ ago (dateModify "-90s" now) }}'),
  c('derivePassword', '{{ derivePassword 1 "long" "password" "user" "example.com" }} {{ derivePassword 2 "maximum" "pw" "u" "s" | b64enc }} {{ derivePassword 3 "basic" "pw" "u" "s" }} {{ derivePassword 3 "pin" "pw" "u" "s" }} {{ derivePassword 3 "medium" "pw" "u" "s" }} {{ derivePassword 3 "short" "pw" "u" "s" }} {{ derivePassword 3 "nope" "pw" "u" "s" }}'),
  c('decryptAES of helm-encrypted text, round trip', '{{ decryptAES "key" "b8h6AxPx8+sRy/sY78ETnKxPviNXAatyze3xLe+dOS8=" }} {{ "secret" | encryptAES "key" | decryptAES "key" }} {{ "x" | encryptAES "k" | len }} {{ "" | encryptAES "k" | decryptAES "k" | len }}'),
  c('htpasswd refuses a colon', '{{ htpasswd "us:er" "pw" }}'),
]

/** Random and clock-bound functions: each output must match the pattern, on both sides. */
export const shapeCases: (TemplateCase & { readonly shape: RegExp })[] = [
  { name: 'time values marshal as RFC 3339', body: '{{ toJson now }} {{ toYaml (list now) }}', shape: /^"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z" - "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"$/ },
  { name: 'now', body: '{{ now }}', shape: /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,9})? \+0000 UTC( m=[+-]\d+\.\d+)?$/ },
  { name: 'now through date and unixEpoch', body: '{{ now | date "2006-01-02" }} {{ now | unixEpoch }} {{ now | htmlDate }}', shape: /^\d{4}-\d\d-\d\d \d{10} \d{4}-\d\d-\d\d$/ },
  { name: 'random strings', body: '{{ randAlphaNum 10 }} {{ randAlpha 5 }} {{ randNumeric 4 }} {{ randBytes 12 }} {{ randInt 1 5 }} {{ shuffle "abc" | len }}', shape: /^[A-Za-z0-9]{10} [A-Za-z]{5} \d{4} [A-Za-z0-9+/]{16} [1-4] 3$/ },
  { name: 'randAscii', body: '{{ randAscii 6 | len }}', shape: /^6$/ },
  { name: 'uuidv4', body: '{{ uuidv4 }}', shape: /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/ },
  { name: 'bcrypt and htpasswd', body: '{{ bcrypt "pw" }} {{ htpasswd "user" "pw" }}', shape: /^\$2a\$10\$[./A-Za-z0-9]{53} user:\$2a\$10\$[./A-Za-z0-9]{53}$/ },
  { name: 'encryptAES', body: '{{ encryptAES "key" "x" }}', shape: /^[A-Za-z0-9+/]{43}=$/ },
  { name: 'genPrivateKey', body: '{{ genPrivateKey "ecdsa" | trim }}|{{ genPrivateKey "ed25519" | trim }}', shape: /^-----BEGIN EC PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+\n-----END EC PRIVATE KEY-----\|-----BEGIN PRIVATE KEY-----\n[A-Za-z0-9+/=]+\n-----END PRIVATE KEY-----$/ },
]
