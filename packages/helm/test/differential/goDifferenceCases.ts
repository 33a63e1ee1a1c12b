// Corners where Go's own rules show through helm's output: strconv.CanBackquote under `%#q`, the
// names encoding/json gives a value that does not fit its target, what fmt prints of helm's
// structs, and the types `set` and `merge` leave in `.Values`.
import type { TemplateCase } from '../helpers/differential.js'

const c = (name: string, body: string): TemplateCase => ({ name, body })

export const goDifferenceCases: readonly TemplateCase[] = [
  // strconv.CanBackquote refuses a backquote, a control character but tab, DEL and the byte-order mark.
  c('%#q of a byte-order mark', '{{ printf "%#q|%#q|%#q" "a\\ufeffb" "\\ufeff" (printf "%c" 65279) }}'),
  c('%#q of DEL, tab, a backquote and other text', '{{ printf "%#q|%#q|%#q|%#q|%#q" "a\\x7fb" "tab\\there" "a`b" "é✓😀" "" }}'),
  c('%#q of a value with a byte-order mark, padded', '{{ printf "%#10q|%-#12q|%#+q" .Values.unicode "\\ufeff" "\\ufeffé" }}'),
  // encoding/json's UnmarshalTypeError names the JSON value's kind.
  // go-yaml refuses a surrogate escape, even a pair, and one beyond U+10FFFF.
  c('fromYaml and fromYamlArray of a surrogate escape', '{{ fromYaml "a: \\"\\\\ud83d\\\\ude00\\"" | toJson }}|{{ fromYamlArray "[\\"\\\\ud800\\"]" | toJson }}|{{ fromYaml "a: \\"\\\\U00110000\\"" | toJson }}|{{ fromYaml "a: \\"\\\\u00e9\\"" | toJson }}|{{ fromYaml "a: \\\\ud800" | toJson }}'),
  c('fromYaml of what is not a mapping', '{{ fromYaml "[1]" }}|{{ fromYaml "x" }}|{{ fromYaml "1" }}|{{ fromYaml "true" }}|{{ fromYaml "1.5" }}'),
  c('fromJson of what is not an object', '{{ fromJson "[1]" }}|{{ fromJson "\\"s\\"" }}|{{ fromJson "1" }}|{{ fromJson "false" }}'),
  c('fromYamlArray and fromJsonArray of what is not a list', '{{ fromYamlArray "a: 1" }}|{{ fromYamlArray "x" }}|{{ fromYamlArray "2" }}|{{ fromJsonArray "{}" }}|{{ fromJsonArray "true" }}|{{ fromJsonArray "\\"s\\"" }}'),
]

/** Every way a template reaches `.Capabilities.KubeVersion` and prints it. */
export const kubeVersionBody: string =
  '{{ .Capabilities.KubeVersion }}|{{ $k := .Capabilities.KubeVersion }}{{ $k }}|{{ with .Capabilities.KubeVersion }}{{ . }}{{ end }}|' +
  '{{ .Capabilities.KubeVersion.Version }}|{{ .Capabilities.KubeVersion.String }}|{{ .Capabilities.KubeVersion.GitVersion }}|' +
  '{{ .Capabilities.KubeVersion.Major }}.{{ .Capabilities.KubeVersion.Minor }}|' +
  '{{ printf "%v|%+v|%s|%q|%#v|%T|%d" .Capabilities.KubeVersion .Capabilities.KubeVersion .Capabilities.KubeVersion .Capabilities.KubeVersion .Capabilities.KubeVersion .Capabilities.KubeVersion .Capabilities.KubeVersion }}|' +
  '{{ print .Capabilities.KubeVersion }}|{{ quote .Capabilities.KubeVersion }}|{{ .Capabilities.KubeVersion | toString }}|{{ list .Capabilities.KubeVersion }}|' +
  '{{ kindOf .Capabilities.KubeVersion }}|{{ typeOf .Capabilities.KubeVersion }}|{{ semverCompare ">=1.30.0-0" .Capabilities.KubeVersion.Version }}'

/**
 * `.Capabilities.KubeVersion` where a function got it: Go passes a copy, no longer addressable, so
 * fmt prints its fields even where the template prints it (include's and tpl's dot, a list's or a
 * map's entry, default's, index's and first's result); index with no index gives the value itself.
 */
export const kubeVersionCopies: TemplateCase = {
  name: 'kube version through functions',
  defs: '{{ define "kv-t" }}{{ . }}{{ end }}',
  body:
    '{{ default "x" .Capabilities.KubeVersion }}|{{ .Capabilities.KubeVersion | default "x" }}|{{ include "kv-t" .Capabilities.KubeVersion }}|{{ tpl "{{ . }}" .Capabilities.KubeVersion }}|' +
    '{{ index (list .Capabilities.KubeVersion) 0 }}|{{ first (list .Capabilities.KubeVersion) }}|{{ range (list .Capabilities.KubeVersion) }}{{ . }}{{ end }}|' +
    '{{ (dict "k" .Capabilities.KubeVersion).k }}|{{ $d := dict "k" .Capabilities.KubeVersion }}{{ $d.k }}|{{ (set (dict) "k" .Capabilities.KubeVersion).k }}|' +
    '{{ with (default "" .Capabilities.KubeVersion) }}{{ . }}{{ end }}|{{ index .Capabilities.KubeVersion }}|{{ and 1 .Capabilities.KubeVersion }}|{{ or .Capabilities.KubeVersion 0 }}|' +
    '{{ deepCopy .Capabilities.KubeVersion }}|{{ printf "%v" (deepCopy (dict "a" .Capabilities.KubeVersion)) }}|{{ $k := .Capabilities.KubeVersion }}{{ default "x" $k }}|{{ with .Capabilities }}{{ .KubeVersion }}{{ end }}|{{ (list .Capabilities.KubeVersion | first).Version }}',
}

/** `--kube-version` values whose Version, String and numbers differ. */
export const kubeVersions: readonly string[] = [
  'v1.32.0', '1.32', 'v1.33.4-gke.1245000', '1.30.2+k3s1', 'v1.29.0-rc.1', '1.31.05',
  // Kubernetes' generic parser: leading zeros after the first number, the largest uint.
  '1.02', '18446744073709551615.3', '0.0', '1.0000000000000000000000000001',
]

/** Versions Kubernetes' generic parser reads and semver does not: any number of numbers, leading white space. */
export const oddKubeVersions: readonly string[] = ['1.2.', ' 1.32.0.5', '\t1.2x', 'v1.2.3.4.5-x']

/** `--kube-version` values helm refuses, each with its own reason. */
export const badKubeVersions: readonly string[] = [
  'v01.032.0', '00.1', '1.99999999999999999999', '99999999999999999999.1', '1.18446744073709551616',
  '1', 'v1', '1.x.0', 'V1.32', 'y', '1.32\n', 'v1.\n2', 'é1.2',
]

/** Cases where helm's own structs, Sprig's nil-tolerant functions and encoding/json show through. */
export const goValueCases: readonly TemplateCase[] = [
  // Sprig's split and splitn make a map[string]string, which deepCopy keeps and set refuses.
  c('%T of split and splitn', '{{ printf "%T|%T|%T|%T" (splitn "," 2 "") (deepCopy (splitn "," 2 "a,b")) (split "," "a") (deepCopy (split "," "a,b")) }}|{{ (split "," "a,b")._1 }}|{{ (deepCopy (splitn "," 2 "a,b,c"))._1 }}|{{ split "," "a,b" | toJson }}|{{ kindOf (split "," "") }}|{{ typeIs "map[string]string" (splitn "," 2 "") }}'),
  c('%#v, %+v and kindOf of helm\'s structs', '{{ printf "%#v|%+v" .Capabilities.HelmVersion .Capabilities.HelmVersion }}|{{ printf "%T" .Capabilities.HelmVersion }}|{{ kindOf .Capabilities.HelmVersion }}|{{ kindOf .Capabilities }}|{{ kindOf now }}|{{ kindOf (semver "1.0.0") }}|{{ kindOf (genCA "x" 1) }}'),
  c('%#v of a struct in a list and a map', '{{ printf "%#v" (list .Capabilities.KubeVersion) }}|{{ printf "%#v" (dict "k" .Capabilities.HelmVersion) }}'),
  // copystructure copies exported fields only: KubeVersion's normalizedVersion is left empty.
  c('deepCopy of helm\'s structs', '{{ deepCopy .Capabilities.KubeVersion }}|{{ printf "%v" (deepCopy (dict "a" .Capabilities.KubeVersion)) }}|{{ mustDeepCopy (list .Capabilities.KubeVersion) }}|{{ (deepCopy .Capabilities.KubeVersion).Version }}|{{ (deepCopy .Capabilities.KubeVersion).Minor }}|{{ deepCopy .Capabilities.HelmVersion }}|{{ deepCopy (toDate "2006-01-02" "2020-01-01") | date "2006" }}|{{ (merge (dict) (dict "a" .Capabilities.KubeVersion)).a }}|{{ (mergeOverwrite (dict "a" 1) (dict "a" (list .Capabilities.KubeVersion))).a }}'),
  c('sortAlpha of nil', '{{ sortAlpha nil }}|{{ sortAlpha .Values.nil }}|{{ sortAlpha .Values.missing }}|{{ sortAlpha "b" }}|{{ sortAlpha 3 }}'),
  // encoding/json refuses a number beyond float64 into interface{}; fromJson keeps what it decoded.
  c('fromJsonArray of a number beyond float64', '{{ fromJsonArray "[1e400]" }}|{{ fromJsonArray "[1, -1E+400]" }}|{{ fromJsonArray "[1e-400, 1e308]" }}'),
  // Overflowing with a two-digit exponent: 251 integer digits times 1e60.
  c('fromJson and fromJsonArray of a long number with a small exponent', '{{ fromJson (printf "{\\"a\\":1%se60}" (repeat 250 "0")) | len }}|{{ fromJson (printf "{\\"a\\":1%se60}" (repeat 250 "0")) | toJson | sha256sum }}|{{ fromJsonArray (printf "[-1%s]" (repeat 320 "9")) | toJson | sha256sum }}|{{ fromJsonArray (printf "[1%s.5]" (repeat 300 "0")) }}'),
  // set, unset, merge and mergeOverwrite take and return map[string]interface {}: what they return of
  // .Values (common.Values) is of that type, the same map written through.
  c('%T of what set, unset and merge return of .Values', '{{ printf "%T|%T|%T|%T|%T" (set .Values "x" 1) (unset .Values "x") (merge .Values (dict)) (mergeOverwrite .Values (dict)) (set $ "y" 1) }}|{{ printf "%T|%T" .Values $ }}|{{ printf "%T" (set (set .Values "a" 1) "b" 2) }}'),
  c('what set returns of .Values writes through to it', '{{ $x := set .Values "a" 1 }}{{ $_ := set $x "b" 2 }}{{ .Values.b }}|{{ len $x }}|{{ $x.str }}|{{ typeOf $x }}|{{ typeIs "common.Values" $x }}|{{ printf "%T" (deepCopy $x) }}|{{ $y := merge .Values (dict "zz" 1) }}{{ .Values.zz }}|{{ hasKey $y "zz" }}'),
  // encoding/json writes a struct's exported fields in their declared order under their json tags.
  c('toJson of helm\'s structs', '{{ toJson .Capabilities.KubeVersion }}|{{ toJson .Capabilities.HelmVersion }}|{{ toRawJson (dict "k" .Capabilities.KubeVersion) }}|{{ toPrettyJson (list .Capabilities.HelmVersion) }}|{{ toJson .Capabilities | sha256sum }}|{{ toJson . | len }}'),
  c('toYaml of helm\'s structs', '{{ toYaml .Capabilities.HelmVersion }}|{{ toYaml .Capabilities | sha256sum }}'),
  c('toJson of a semver and of bytes', '{{ toJson (semver "1.2.3-rc.1+b") }}|{{ toYaml (semver "1.2.3") }}|{{ toJson (list (semver "1.0.0")) }}|{{ toJson (.Files.GetBytes "none") }}|{{ toJson (dict "b" (.Files.GetBytes "none")) }}'),
  // A []byte beside a struct is still base64, not an array of numbers.
  c('toJson of bytes beside a struct', '{{ toJson (list .Capabilities.KubeVersion (.Files.GetBytes "Chart.yaml")) }}|{{ toJson (dict "b" (.Files.GetBytes "values.yaml") "v" .Capabilities.HelmVersion) }}'),
  // fmt calls a GoString method for %#v (time.Time's), prints a semver.Version's fields and an unsigned integer in hex.
  c('%#v of times', '{{ printf "%#v" (toDate "2006-01-02" "2020-01-02") }}|{{ printf "%#v" (toDate "2006-01-02 MST" "2020-01-02 PST") }}|{{ printf "%#v" (mustToDate "2006-01-02T15:04:05Z07:00" "2020-01-02T10:11:12.123456789+05:30") }}|{{ printf "%#v" (dateModify "1h" (toDate "2006-01-02" "2020-01-02")) }}|{{ printf "%#v" (list (toDate "2006-01-02" "2020-01-02")) }}|{{ printf "%#v" (dict "t" (toDate "2006-01-02" "2020-01-02")) }}|{{ printf "%#30v|%-#30v|%#.4v|" (toDate "2006-01-02" "2020-01-02") (toDate "2006-01-02" "2020-01-02").UTC now }}'),
  c('%#v of semver and unsigned integers', '{{ printf "%#v" (semver "1.2.3") }}|{{ printf "%#v" (semver "1.2.3-beta.1+b5") }}|{{ printf "%#v" (semver "1.2.3").Major }}|{{ printf "%#v|%#v" (until 3) (list 1 (semver "4.5.6").Minor) }}|{{ printf "%v|%+v" (semver "1.2.3-beta.1+b5") (semver "v1.2") }}'),
  // text/template prints what a pointer points at: `{…}`, where fmt's %v of the pointer is `&{…}`.
  c('.Capabilities printed', '{{ .Capabilities }}|{{ with .Capabilities }}{{ . | toString | sha256sum }}{{ end }}|{{ printf "%v" .Capabilities | sha256sum }}|{{ $c := .Capabilities }}{{ $c.HelmVersion }}|{{ semver "1.2.3" }}'),
  c('fromJson of a number beyond float64', '{{ fromJson "{\\"a\\":[1, -1E+400, {\\"b\\": 2e999}], \\"c\\": 3}" }}|{{ fromJson "{\\"x\\":\\"1e400\\",\\"y\\":1e308,\\"z\\":1.8e308}" }}|{{ fromJson "{\\"a\\":1e400,\\"a\\":1}" | toJson }}|{{ fromJson "1e400" }}'),
]

/** One template file that must fail, helm's message and the SDK's equal. */
export interface FailingCase {
  readonly name: string
  readonly text: string
}

const f = (name: string, body: string): FailingCase => ({ name, text: `x: {{ ${body} }}\n` })

/** Sprig's list functions and copystructure on a nil interface panic in Go; len of a literal nil too. */
export const nilPanicCases: readonly FailingCase[] = [
  // Not nil, not a list: Sprig's own texts (append is push's alias, concat and chunk say it their way).
  f('append to a map', 'append (dict) 1'),
  f('append to a string', 'append "s" 1'),
  f('mustAppend to a map', 'mustAppend .Values 1'),
  f('push to an int', 'push 5 1'),
  f('mustPush to a string', 'mustPush "s" 1'),
  f('prepend to a map', 'prepend (dict) 1'),
  f('concat of a map', 'concat (list 1) (dict)'),
  f('concat of a string', 'concat "s"'),
  f('concat of an int', 'concat (list 1) 3'),
  f('chunk of a map', 'chunk 2 (dict)'),
  f('chunk of a string', 'chunk 2 "ab"'),
  f('chunk of an int', 'chunk 2 5'),
  f('mustChunk of a float', 'mustChunk 2 1.5'),
  f('set on split\'s map', 'set (split "," "a") "k" 1'),
  f('values of splitn\'s map', 'values (splitn "," 2 "a")'),
  f('keys of split\'s map', 'keys (split "," "a,b")'),
  f('get of split\'s map', 'get (split "," "a") "_0"'),
  // Not a panic: a rendered document holding an escape go-yaml refuses.
  { name: 'a manifest with a surrogate escape', text: 'x: "\\ud83d\\ude00"\n' },
  { name: 'a manifest with a surrogate escape in a key', text: 'kind: A\n"\\udc00": 1\n' },
  f('first of nil', 'first nil'),
  f('first of a missing value', 'first .Values.missing'),
  f('mustFirst of a null value', 'mustFirst .Values.nil'),
  f('last of nil', 'last nil'),
  f('rest of nil', 'rest .Values.missing'),
  f('initial of nil', 'initial nil'),
  f('reverse of nil', 'reverse .Values.nil'),
  f('append to nil', 'append nil 1'),
  f('prepend to nil', 'prepend .Values.missing 1'),
  f('uniq of nil', 'uniq nil'),
  f('without of nil', 'without nil 1'),
  f('compact of nil', 'mustCompact nil'),
  f('concat with nil', 'concat (list 1) nil'),
  f('chunk of nil', 'chunk 2 nil'),
  f('slice of nil', 'slice .Values.missing 0'),
  f('deepCopy of nil', 'deepCopy nil'),
  f('mustDeepCopy of a null value', 'mustDeepCopy .Values.nil'),
  f('len of a literal nil', 'len nil'),
  f('an unexported field of KubeVersion', '.Capabilities.KubeVersion.normalizedVersion'),
]

/** Chart.yaml texts helm refuses: an infinity or NaN anywhere fails its conversion to JSON. */
export const chartYamlInfinities: readonly { readonly name: string; readonly chartYaml: string }[] = [
  { name: 'an unknown field of .inf', chartYaml: 'x: .inf\n' },
  { name: 'an annotation of -.inf', chartYaml: 'annotations:\n  a: -.inf\n' },
  { name: 'a NaN in a list', chartYaml: 'keywords: [a, .nan]\n' },
]

/** A values.yaml holding a `\\u`/`\\U` escape go-yaml refuses (a surrogate, even paired, or beyond U+10FFFF), or accepts. */
export const escapeValues: readonly { readonly name: string; readonly values: string; readonly ok: boolean }[] = [
  { name: 'a surrogate pair', values: 'a: "\\ud83d\\ude00"\n', ok: false },
  { name: 'a lone high surrogate', values: 'a: "\\ud800"\n', ok: false },
  { name: 'a lone low surrogate after text', values: 'a: "x\\uDFFF"\n', ok: false },
  { name: 'a \\U surrogate', values: 'a: "\\U0000d800"\n', ok: false },
  { name: 'a \\U beyond U+10FFFF', values: 'a: "\\U00110000"\n', ok: false },
  { name: 'a key with a surrogate', values: '"\\ud800": 1\n', ok: false },
  { name: 'a surrogate in a flow list', values: 'a: [1, "\\udbff"]\n', ok: false },
  { name: 'a surrogate on the third line', values: 'a: 1\nb:\n  c: "x\\ud800"\n', ok: false },
  { name: 'a surrogate in a folded double-quoted scalar', values: 'a: "x\n  y \\U0000DFFF"\n', ok: false },
  { name: 'a \\U beyond U+10FFFF on the second line', values: 'z: 1\na: "\\UFFFFFFFF"\n', ok: false },
  { name: 'escapes go-yaml reads', values: 'a: "\\u00e9\\U0001F600\\x41\\\\ud800"\nb: \'\\ud800\'\nc: \\ud800\n', ok: true },
]

/**
 * Chart.yaml or values.yaml bytes (written as latin1 text: each character one byte) go-yaml's reader
 * refuses: not UTF-8 (helm's reader of values files reads them as if a line feed followed), or a
 * control character; the last reads.
 */
export const yamlBytes: readonly { readonly name: string; readonly file: 'Chart.yaml' | 'values.yaml'; readonly bytes: string }[] = [
  { name: 'a lone continuation byte', file: 'values.yaml', bytes: 'a: x\xff\n' },
  { name: 'a sequence cut short by a quote', file: 'values.yaml', bytes: 'a: "\xc3"\n' },
  { name: 'a sequence cut short by the end of values.yaml', file: 'values.yaml', bytes: 'a: x\xe2\x82' },
  { name: 'an encoded surrogate', file: 'values.yaml', bytes: 'a: "\xed\xa0\x80"\n' },
  { name: 'an overlong encoding', file: 'values.yaml', bytes: 'a: "\xc0\x80"\n' },
  { name: 'a five-byte leader', file: 'values.yaml', bytes: 'b: 1\na: \xf8\n' },
  { name: 'DEL', file: 'values.yaml', bytes: 'a: "\x7f"\n' },
  { name: 'U+FFFE after NEL', file: 'values.yaml', bytes: 'a: "\xc2\x85 \xef\xbf\xbe"\n' },
  { name: 'a control character in a second document', file: 'values.yaml', bytes: 'a: x\n---\nb: \x01\n' },
  { name: 'a sequence cut short by the end of Chart.yaml', file: 'Chart.yaml', bytes: 'description: x\xc3' },
  { name: 'a bad byte after a euro sign in Chart.yaml', file: 'Chart.yaml', bytes: 'description: \xe2\x82\xac\xff\n' },
  { name: 'a control character in Chart.yaml', file: 'Chart.yaml', bytes: 'description: "\x01"\n' },
  { name: 'a surrogate escape in Chart.yaml', file: 'Chart.yaml', bytes: 'description: "\\ud800"\n' },
  { name: 'a surrogate pair escape in Chart.yaml', file: 'Chart.yaml', bytes: 'annotations:\n  a: "\\ud83d\\ude00"\n' },
  { name: 'a byte-order mark', file: 'values.yaml', bytes: '\xef\xbb\xbfa: 1\n' },
]

/** Sprig's helpers as Go runs them: bytes, not characters; base64's offsets; decimals; int64 conversion. */
export const sprigGoCases: readonly TemplateCase[] = [
  // goutils.WrapCustom: bytes, a leading space skipped only while the rest is too long, a line feed
  // like any other byte; wrapWith cuts long words.
  c('wrap and wrapWith', '{{ wrap 5 " a b " }}|{{ wrap 5 "hello world foo bar" }}|{{ wrap 3 "a\\nb c d e f\\ng" }}|{{ wrap 0 "one two  three   four" }}|{{ wrap 6 "trailing   " }}|{{ wrap 10 "http://example.com/very/long/url and more" }}|{{ wrapWith 6 "<br>" "supercalifragilistic word" }}|{{ wrapWith 10 "" "http://example.com/very/long/url and more" }}|{{ wrapWith 5 "|" "  lead  spaces here  " }}|{{ wrap 9 "é✓😀 é✓😀 é✓😀 ab" }}|{{ wrap -1 "" }}'),
  c('abbrev and abbrevboth count bytes', '{{ abbrev 5 "é✓😀" }}|{{ abbrev 10 "ééééé" }}|{{ abbrevboth 0 4 "abcdefghijklmnopqrstuvwxyz" }}|{{ abbrevboth 5 10 "abcdefghijklmnopqrstuvwxyz" }}|{{ abbrevboth 1 20 "é✓😀 abcd é✓😀" }}|{{ abbrevboth 10 20 "abcdefghijklmnopqrstuvwxyz" }}'),
  // base64.StdEncoding: where it stops, and line feeds and carriage returns skipped anywhere.
  c('b64dec of text base64 refuses or reads', '{{ b64dec "a,b,,c" }}|{{ b64dec "aGk" }}|{{ b64dec "a" }}|{{ b64dec "aGk=x" }}|{{ b64dec "=aGk" }}|{{ b64dec "aG==k" }}|{{ b64dec "YQ=" }}|{{ b64dec "YQ==YQ==" }}|{{ b64dec "aGk=\\n" }}|{{ b64dec "aGVs\\r\\nbG8=" }}|{{ b64dec "é" }}|{{ b64dec "aGk= " }}'),
  // spf13/cast's int64(f): a float64 beyond int64's range is its smallest value on amd64.
  c('int and int64 of a float beyond int64', '{{ int 1e100 }}|{{ int64 -1e100 }}|{{ int .Values.huge }}|{{ int64 1e19 }}|{{ int64 -9.3e18 }}|{{ int 9.2e18 }}'),
  // shopspring decimals: 0.1 + 0.2 is 0.3; a quotient has 16 places, a 5 rounded away from zero.
  c('addf, subf, mulf and divf in decimals', '{{ addf 0.1 0.2 }}|{{ subf 0.3 0.1 }}|{{ mulf 0.1 3 }}|{{ mulf 1.1 1.1 1.1 }}|{{ divf 2 3 }}|{{ divf -1 3 }}|{{ divf 1 3 3 }}|{{ divf 1.5e-16 1 }}|{{ divf -1.5e-16 1 }}|{{ divf 5e-17 1 }}|{{ addf }}|{{ addf 1 "7" nil }}|{{ divf 123456789.123456789 0.7 }}|{{ mulf 5e-324 2.5 }}|{{ addf 1e21 123456789.123456789 }}'),
  // fmt keeps +Inf's sign (a space replaces it under % ), unpadded by zeros.
  // spf13/cast's ToFloat64 is strconv.ParseFloat: hex floats, underscores where Go allows them,
  // 0 for a finite text beyond float64 (the range error), inf and nan words in any case.
  c('float texts as strconv.ParseFloat reads them', '{{ divf "1e400" 3 }}|{{ addf "-1e400" }}|{{ float64 "1e400" }}|{{ float64 "-1e309" }}|{{ addf "0x1p4" }}|{{ addf "1_0" }}|{{ float64 "0x1.8p1" }}|{{ float64 "0x_1p-2" }}|{{ float64 "0x1" }}|{{ float64 "0x1p2000" }}|{{ float64 "1__0" }}|{{ float64 "_1" }}|{{ float64 "1_" }}|{{ float64 "1_.5" }}|{{ float64 "1e1_0" }}|{{ float64 "1e_1" }}|{{ float64 "0_1.5" }}|{{ float64 "1." }}|{{ float64 ".5" }}|{{ float64 "." }}|{{ float64 "1e-400" }}|{{ float64 "INF" }}|{{ float64 "-Infinity" }}|{{ float64 "nAn" }}|{{ float64 "+nan" }}|{{ float64 "infin" }}|{{ float64 " 1" }}|{{ float64 "0b1" }}|{{ float64 "0x.8p0" }}|{{ float64 "0X1P+3" }}|{{ floor "0x1.8p1" }}|{{ ceil "1e400" }}|{{ maxf "1_5" 2 }}|{{ round "0x1.8p1" 0 }}|{{ add1f "1e400" }}|{{ add1f "-1.9" }}|{{ add1f 0.1 }}|{{ add1f "0.2" }}|{{ float64 "0x1.fffffffffffff8p1023" }}|{{ float64 "0x1.fffffffffffff7p1023" }}'),
  c('+Inf printed', '{{ float64 "Inf" }}|{{ divf 1e300 1e-300 }}|{{ printf "%v|%f|%5.1f|%+v|% v|%08v|%-6v|" (float64 "Inf") (float64 "Inf") (float64 "Inf") (float64 "Inf") (float64 "Inf") (float64 "Inf") (float64 "Inf") }}|{{ list (float64 "Inf") (float64 "-Inf") }}|{{ toString (float64 "Inf") }}'),
  c('toJson and toYaml of integers beyond 2^53', '{{ toJson 9223372036854775807 }}|{{ toYaml 9223372036854775807 }}|{{ toPrettyJson (list 9223372036854775807 -9007199254740993) }}|{{ toRawJson (dict "a" 9007199254740993) }}|{{ toYaml (dict "a" -9223372036854775807) }}|{{ add1 1e100 }}|{{ add1 .Values.huge }}'),
  // goutils.DeleteWhiteSpace: bytes, each written back as a rune, unless none is a space.
  c('nospace of text beyond ASCII', '{{ nospace "é✓😀" }}|{{ nospace "a b\\u00a0c" | b64enc }}|{{ nospace "é ✓" | b64enc }}|{{ nospace "" }}'),
  // strconv.ParseInt(fmt.Sprint(v), 8, 64).
  c('toDecimal of signs and large numbers', '{{ toDecimal -1 }}|{{ toDecimal "+17" }}|{{ toDecimal "777777777777777777777" }}|{{ toDecimal "1000000000000000000000" }}|{{ toDecimal "-1000000000000000000000" }}|{{ toDecimal 1.5 }}|{{ toDecimal "0o7" }}|{{ toDecimal "1_0" }}'),
  c('unixEpoch of a time', '{{ unixEpoch (toDate "2006" "2020") }}'),
  c('decryptAES of empty text', '{{ decryptAES "k" "" }}|{{ encryptAES "secret" "hello" | decryptAES "secret" }}'),
]

/** Sprig's helpers that fail as Go panics: decimals of NaN or infinities, a zero divisor, decryptAES of short or ragged text. */
export const sprigPanicCases: readonly FailingCase[] = [
  f('divf by zero', 'divf 1 2 0'),
  // json.Marshal's error as the call's error, without the function's name again.
  f('mustToJson of NaN', 'mustToJson (float64 "nan")'),
  f('mustToJson of -Inf in a list', 'mustToJson (list 1 (float64 "-inf"))'),
  f('mustToPrettyJson of NaN', 'mustToPrettyJson (dict "a" (float64 "NaN"))'),
  f('mustToRawJson of +Inf', 'mustToRawJson (float64 "+Inf")'),
  f('divf of NaN', 'divf (float64 "NaN") 1'),
  f('mulf of -Inf', 'mulf 1 (float64 "-Inf")'),
  f('addf of +Inf', 'addf 1 (float64 "Inf")'),
  f('add1f of NaN', 'add1f "nan"'),
  f('add1f of -Inf', 'add1f "-inf"'),
  f('decryptAES of a short text', 'decryptAES "k" "aGVsbG8=\\n\\n"'),
  f('decryptAES of one block', 'decryptAES "k" "AAAAAAAAAAAAAAAAAAAAAA=="'),
  f('decryptAES of a ragged text', 'decryptAES "k" "AAAAAAAAAAAAAAAAAAAAAAAAAAA="'),
  f('decryptAES of bad base64', 'decryptAES "k" "a,b"'),
  f('unixEpoch of nil', 'unixEpoch nil'),
  f('unixEpoch of a number', 'unixEpoch 0'),
  f('unixEpoch of a string', 'unixEpoch ""'),
  f('unixEpoch of a missing value', 'unixEpoch .Values.missing'),
]
