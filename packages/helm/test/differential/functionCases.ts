// Helm's own functions and the most used Sprig functions, with edge inputs.
import type { TemplateCase } from '../helpers/differential.js'

const c = (name: string, body: string, defs?: string): TemplateCase => ({ name, body, defs })

export const functionCases: TemplateCase[] = [
  // Helm's own
  c('toYaml map', '{{ toYaml .Values.map }}'),
  c('toYaml list and scalars', '{{ toYaml .Values.mixed }}|{{ toYaml .Values.str }}|{{ toYaml .Values.int }}|{{ toYaml .Values.nil }}|{{ toYaml .Values.emptyMap }}|{{ toYaml .Values.emptyList }}'),
  c('toYaml numbers', '{{ toYaml (list .Values.big .Values.huge .Values.tiny .Values.float 1e21 1e-7 3 (add 1 2)) }}'),
  c('toYaml strings needing quotes', '{{ toYaml (list "yes" "no" "on" "1" "1.5" "true" "null" "~" "" " lead" "trail " "a: b" "#c" "- d" "1:20" "0x1F" "@at" "`tick" "multi\\nline" "tab\\there") }}'),
  c('toYaml long string folding', '{{ toYaml (dict "k" "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr ssss") }}'),
  c('toYaml nested', '{{ toYaml .Values }}'),
  c('toYaml special', '{{ toYaml .Values.special }}|{{ toYaml .Values.unicode }}|{{ toYaml .Values.multiline }}|{{ toYaml .Values.spaces }}'),
  c('toJson', '{{ toJson .Values.map }}|{{ toJson .Values.mixed }}|{{ toJson .Values.special }}|{{ toJson .Values.big }}|{{ toJson .Values.huge }}|{{ toJson .Values.tiny }}|{{ toJson nil }}|{{ toJson 3 }}'),
  c('toJson escapes', '{{ toJson "<a>&\\u2028é\\t\\n\\x01" }}'),
  c('fromYaml', '{{ $m := fromYaml "a: 1\\nb: [x, y]\\nc: {d: true}\\ne: null\\nf: yes" }}{{ $m }} {{ printf "%T" $m.a }}'),
  c('fromYaml error', '{{ $m := fromYaml "- a\\n- b" }}{{ $m.Error }}'),
  c('fromYaml scalar keys', '{{ fromYaml "1: a\\ntrue: b\\nnull: c" }}'),
  c('fromJson', '{{ $m := fromJson "{\\"a\\": 1, \\"b\\": [1, 2.5, \\"x\\"]}" }}{{ $m }} {{ printf "%T" $m.a }}'),
  c('fromYamlArray fromJsonArray', '{{ fromYamlArray "- a\\n- 1" }} {{ fromJsonArray "[1, \\"b\\"]" }}'),
  c('required passes values', '{{ required "x" .Values.str }} {{ required "x" .Values.zero }} {{ required "x" .Values.falsy }}'),
  c('lookup is empty offline', '{{ lookup "v1" "Secret" "ns" "name" }}|{{ len (lookup "v1" "Pod" "" "") }}'),
  c('tpl', '{{ tpl "{{ .Values.str }}-{{ .Release.Name }}" . }}|{{ tpl "{{ .missing }}" . }}'),
  c('tpl with define', '{{ tpl "{{ define \\"tx\\" }}T{{ end }}{{ template \\"tx\\" }}" . }}'),
  c('include returns string', '{{ include "inc" . | upper }}|{{ include "inc" . | len }}', '{{ define "inc" }}  hi {{ .Values.str }}  {{ end }}'),
  // strings
  c('quote squote', '{{ quote "a\\"b" 1 nil .Values.float }}|{{ squote "x" 2 }}|{{ quote }}|{{ quote .Values.list }}'),
  c('default and empty', '{{ default "d" .Values.missing }}|{{ default "d" .Values.empty }}|{{ default "d" .Values.zero }}|{{ default "d" .Values.str }}|{{ default "d" .Values.falsy }}|{{ default "d" .Values.emptyList }}|{{ empty .Values.emptyMap }}|{{ empty 0 }}|{{ empty "x" }}'),
  c('indent nindent', '{{ indent 4 "a\\nb\\n" }}|{{ nindent 2 "x" }}|{{ indent 0 "y" }}'),
  c('trim family', '[{{ trim "  x  " }}][{{ trimAll "-" "--x--" }}][{{ trimPrefix "ab" "abc" }}][{{ trimSuffix "bc" "abc" }}][{{ trim .Values.spaces }}]'),
  c('case', '{{ upper "abc" }} {{ lower "ABC" }} {{ title "hello world-x y_z" }} {{ untitle "Hello World" }} {{ swapcase "aBc" }}'),
  c('case conversions', '{{ snakecase "HelloWorldHTTP" }} {{ kebabcase "helloWorld" }} {{ camelcase "hello_world" }} {{ snakecase "hello world" }}'),
  c('trunc counts bytes', '{{ trunc 3 "héllo" }}|{{ trunc 2 "héllo" }}|{{ trunc -3 "abcdef" }}|{{ trunc 10 "ab" }}|{{ trunc 63 .Values.str }}'),
  c('substr repeat', '{{ substr 1 3 "abcdef" }}|{{ substr 2 -1 "abcdef" }}|{{ repeat 3 "ab" }}'),
  c('replace contains prefix', '{{ replace "." "-" "a.b.c" }} {{ contains "b" "abc" }} {{ hasPrefix "a" "abc" }} {{ hasSuffix "c" "abc" }}'),
  c('nospace cat', '{{ nospace " a b \\t c" }}|{{ cat "a" 1 nil "b" }}|{{ abbrev 5 "hello world" }}|{{ initials "hello big world" }}'),
  c('plural wrap', '{{ plural "one" "many" 1 }} {{ plural "one" "many" 2 }}|{{ wrap 10 "aaa bbb ccc ddd eee" }}'),
  c('toString', '{{ toString 1 }} {{ toString 1.5 }} {{ toString .Values.big }} {{ toString nil }} {{ toString .Values.list }} {{ toString true }}'),
  c('encoding', '{{ b64enc "hello" }} {{ b64dec "aGVsbG8=" }} {{ b32enc "hi" }} {{ sha256sum "x" }} {{ sha1sum "x" }} {{ adler32sum "x" }}'),
  c('regex', '{{ regexMatch "^h.*o$" "hello" }} {{ regexFind "[0-9]+" "ab123cd45" }} {{ regexFindAll "[0-9]+" "a1b22c333" -1 }} {{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }} {{ regexReplaceAllLiteral "a(x*)b" "-ab-" "$1" }} {{ regexSplit "z+" "pizza" -1 }}'),
  // lists
  c('list funcs', '{{ list 1 2 3 }} {{ first .Values.list }} {{ last .Values.list }} {{ rest .Values.list }} {{ initial .Values.list }} {{ reverse .Values.list }}'),
  c('list append and set ops', '{{ append .Values.list "d" }} {{ prepend .Values.list "z" }} {{ uniq (list 1 1 2 "a" "a") }} {{ without .Values.list "b" }} {{ has "b" .Values.list }} {{ compact (list "" 1 nil "x" 0) }} {{ concat .Values.list (list 1) }}'),
  c('sortAlpha join split', '{{ sortAlpha (list "b" "a" "C" 10 2) }} {{ join "," .Values.list }} {{ join "-" .Values.mixed }} {{ splitList "," "a,b,,c" }} {{ split "," "a,b" }}'),
  c('until seq', '{{ until 3 }} {{ untilStep 0 10 3 }} {{ seq 3 }} {{ seq 2 5 }} {{ seq 5 2 }} {{ seq 0 2 6 }}'),
  c('first of empty', '[{{ first .Values.emptyList }}][{{ last .Values.emptyList }}][{{ rest .Values.emptyList }}]'),
  c('sprig slice', '{{ slice .Values.list 1 }} {{ slice .Values.list 0 2 }} {{ slice .Values.list }}'),
  // dicts
  c('dict get set', '{{ $d := dict "a" 1 "b" "two" }}{{ $d }} {{ get $d "a" }} [{{ get $d "zz" }}] {{ $_ := set $d "c" 3 }}{{ $d }} {{ hasKey $d "c" }} {{ unset $d "a" }}'),
  c('dict odd arguments', '{{ dict "a" }} {{ dict 1 2 }}'),
  c('keys sorted values', '{{ keys .Values.map | sortAlpha }} {{ pick .Values.map "a" "c" }} {{ omit .Values.map "a" }}'),
  c('merge', '{{ $a := dict "a" 1 "n" (dict "x" 1) }}{{ $b := dict "a" 2 "b" 3 "n" (dict "y" 2 "x" 9) }}{{ merge $a $b }}'),
  c('mergeOverwrite', '{{ $a := dict "a" 1 "n" (dict "x" 1) }}{{ $b := dict "a" 2 "b" 3 "n" (dict "y" 2 "x" 9) }}{{ mergeOverwrite $a $b }}'),
  c('pluck deepCopy', '{{ pluck "a" (dict "a" 1) (dict "b" 2) (dict "a" 3) }} {{ deepCopy .Values.map }}'),
  // math and types
  c('math', '{{ add 1 2 3 }} {{ add1 5 }} {{ sub 10 3 }} {{ mul 2 3 4 }} {{ div 10 3 }} {{ mod 10 3 }} {{ max 1 9 3 }} {{ min 5 2 8 }} {{ add "3" 4 }} {{ add 1.9 1.9 }}'),
  c('float math', '{{ addf 1.5 2 }} {{ subf 5 1.5 }} {{ mulf 1.5 2 }} {{ divf 10 4 }} {{ floor 1.7 }} {{ ceil 1.2 }} {{ round 2.555 2 }} {{ maxf 1 2.5 }} {{ minf 1 2.5 }}'),
  c('conversions', '{{ int "12" }} {{ int 3.9 }} {{ int64 "0x10" }} {{ float64 "1.5" }} {{ atoi "42" }} {{ int .Values.float }} {{ printf "%T %T %T" (int 1) (int64 1) (float64 1) }}'),
  c('types', '{{ typeOf 1 }} {{ typeOf .Values.int }} {{ typeOf .Values.list }} {{ kindOf .Values.map }} {{ kindOf 1 }} {{ typeIs "string" "x" }} {{ kindIs "slice" .Values.list }} {{ deepEqual .Values.list (list "a" "b" "c") }}'),
  c('ternary coalesce', '{{ ternary "y" "n" true }} {{ ternary "y" "n" false }} {{ coalesce .Values.missing .Values.empty "c" }} {{ coalesce nil }}'),
  c('toStrings', '{{ toStrings (list 1 "a" 2.5) }} {{ printf "%T" (toStrings (list 1)) }}'),
  c('chart and release objects', '{{ .Chart.Name }} {{ .Chart.Version }} {{ .Chart.AppVersion }} {{ .Release.Name }} {{ .Release.Namespace }} {{ .Release.Service }} {{ .Release.Revision }} {{ .Release.IsInstall }} {{ .Template.Name }} {{ .Template.BasePath }}'),
  c('type names of the top-level objects', '{{ printf "%T %T %T %T %T" . .Values .Values.map .Release .Template }}'),
  c('capabilities', '{{ .Capabilities.KubeVersion }} {{ .Capabilities.KubeVersion.Major }} {{ .Capabilities.KubeVersion.Minor }} {{ .Capabilities.KubeVersion.Version }} {{ .Capabilities.APIVersions.Has "apps/v1" }} {{ .Capabilities.APIVersions.Has "example.com/v1" }} {{ .Capabilities.APIVersions.Has "nope/v1" }}'),
  // Sprig's semver (Masterminds/semver v3)
  c('semver fields', '{{ $v := semver "v1.2.3-rc.1+build.5" }}{{ $v }} {{ $v.Major }} {{ $v.Minor }} {{ $v.Patch }} {{ $v.Prerelease }} {{ $v.Metadata }} {{ $v.Original }} {{ printf "%T" $v.Major }} {{ semver "2" }} {{ semver "1.4" }}'),
  c('semverCompare', '{{ semverCompare "^1.2.0" "1.4.0" }} {{ semverCompare ">=1.2, <2.0" "2.0.0" }} {{ semverCompare "~1.2" "1.2.9" }} {{ semverCompare "~1.2" "1.3.0" }} {{ semverCompare "1.x" "1.9.9" }} {{ semverCompare "*" "0.0.1" }} {{ semverCompare "<1.0 || >=2.0" "2.1.0" }} {{ semverCompare ">= 1.28-0" "v1.32.0" }} {{ semverCompare "^1.2.0" "1.3.0-beta" }} {{ semverCompare ">=1.31.0-0" .Capabilities.KubeVersion.Version }}'),
]
