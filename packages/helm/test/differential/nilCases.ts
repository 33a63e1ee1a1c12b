// Go's nil slices and maps: the Sprig and Helm functions that return one, each seen through every
// printer and comparison that tells a nil slice or map from an empty one (toJson, toYaml, %#v, eq,
// deepEqual) and through those that do not (%v, print, kindOf, typeOf, empty, len, if, range, with).
import type { TemplateCase } from '../helpers/differential.js'

const c = (name: string, body: string): TemplateCase => ({ name, body })

/** Every printer of one value, bound to `$v`; `len` only where the value is a slice or map. */
function printers(expr: string, withLen = true): string {
  return (
    `{{ $v := ${expr} }}{{ toJson $v }}|{{ toPrettyJson $v }}|{{ toRawJson $v }}|{{ mustToJson $v }}|{{ toYaml $v }}|` +
    `{{ printf "%v|%#v|%T|%+v|%s" $v $v $v $v $v }}|{{ print $v }}|{{ $v }}|{{ kindOf $v }}|{{ typeOf $v }}|{{ empty $v }}|` +
    `{{ if $v }}T{{ else }}F{{ end }}|{{ range $v }}x{{ else }}E{{ end }}|{{ with $v }}W{{ else }}N{{ end }}|` +
    `{{ toYaml (dict "k" $v) }}|{{ toYamlPretty (dict "k" $v) }}|{{ toJson (list $v) }}|{{ printf "%#v" (list $v) }}|{{ toToml (dict "k" $v "n" 1) }}` +
    (withLen ? `|{{ len $v }}` : '')
  )
}

/** The comparisons of one value with nil, with itself, with an empty value of its type and with another nil. */
function comparisons(expr: string, empty: string, otherNil: string): string {
  return (
    `{{ $v := ${expr} }}{{ eq $v nil }}|{{ ne $v nil }}|{{ eq $v $v }}|{{ eq $v (${otherNil}) }}|{{ eq $v (${empty}) }}|` +
    `{{ deepEqual $v (${empty}) }}|{{ deepEqual $v $v }}|{{ deepEqual $v (${otherNil}) }}|{{ deepEqual $v nil }}|` +
    `{{ toJson (default $v nil) }}|{{ toJson (default (list 1) $v) }}|{{ toJson (ternary $v 1 true) }}|{{ toJson (coalesce $v) }}|` +
    `{{ toJson (deepCopy $v) }}|{{ printf "%#v" (mustDeepCopy $v) }}`
  )
}

/** Reads of `.Chart.Annotations`, a map[string]string: a missing key is "", not nil. */
export const annotationReads: string =
  '{{ index .Chart.Annotations "a" }}|{{ .Chart.Annotations.a }}|{{ .Chart.Annotations.zz }}|{{ range $k, $x := .Chart.Annotations }}{{ $k }}={{ $x }};{{ end }}|' +
  '{{ eq .Chart.Annotations nil }}|{{ tpl "{{ .a }}" .Chart.Annotations }}|{{ tpl "{{ len . }}" .Chart.Annotations }}|{{ printf "%#v" (deepCopy .Chart.Annotations) }}|{{ toJson .Chart }}|{{ printf "%T %T %T" .Chart.Keywords .Chart.Sources .Chart.Maintainers }}'

/** `.Chart.Annotations` as Chart.yaml sets it (empty, null, two entries; nilCases has it absent). */
export const annotationCases: readonly { readonly name: string; readonly chartYaml: string }[] = [
  { name: 'empty annotations', chartYaml: 'annotations: {}\n' },
  { name: 'null annotations', chartYaml: 'annotations:\n' },
  { name: 'two annotations', chartYaml: 'annotations:\n  a: b\n  n: 1\n' },
]

/** The template of every annotation case. */
export const annotationBody: string = `${printers('.Chart.Annotations')}#${annotationReads}`

const nilStrings = 'regexFindAll "z" "abc" -1'
const nilList = 'rest (list)'
const nilMap = 'fromJson "null"'

export const nilCases: TemplateCase[] = [
  // the functions that return a nil slice
  c('regexFindAll with no match', printers('regexFindAll "z" "abc" -1')),
  c('regexFindAll with n 0', printers('regexFindAll "a" "abc" 0')),
  c('mustRegexFindAll with no match', printers('mustRegexFindAll "z" "abc" -1')),
  c('regexSplit with n 0', printers('regexSplit "z" "abc" 0')),
  c('mustRegexSplit with n 0', printers('mustRegexSplit "b" "abc" 0')),
  c('rest of an empty list', printers('rest (list)')),
  c('rest of empty values', printers('rest .Values.emptyList')),
  c('initial of an empty list', printers('initial (list)')),
  c('mustRest and mustInitial of an empty list', `${printers('mustRest (list)')}#${printers('mustInitial .Values.emptyList')}`),
  c('concat of nothing', printers('concat')),
  c('concat of empty lists', printers('concat (list) .Values.emptyList')),
  c('fromJsonArray of null', printers('fromJsonArray " null "')),
  c('sortAlpha of a nil []string', printers(`sortAlpha (${nilStrings})`)),
  c('toStrings of a nil []string', printers(`toStrings (regexSplit "a" "b" 0)`)),
  c('deepCopy of a nil slice', printers(`deepCopy (${nilStrings})`)),
  c('default returns a nil slice as it is', printers(`default (${nilStrings}) nil`)),
  c('a nil slice in a dict', printers(`get (dict "a" (${nilList})) "a"`)),
  // the functions that return a nil map
  c('fromJson of null', printers('fromJson "null"')),
  c('unset of a nil map', printers('unset nil "a"')),
  c('unset of a nil map from fromJson', printers(`unset (${nilMap}) "a"`)),
  c('merge into nil with nothing', printers('merge nil')),
  c('merge of nil maps', printers(`merge (${nilMap}) (${nilMap})`)),
  c('mergeOverwrite into nil with nothing', printers(`mergeOverwrite (${nilMap})`)),
  c('deepCopy of a nil map', printers(`deepCopy (${nilMap})`)),
  c('Chart.Annotations without annotations', `${printers('.Chart.Annotations')}#${annotationReads}`),
  // nil, not a nil slice: slice of an empty list
  c('slice of an empty list', printers('slice (list)', false)),
  c('mustSlice of an empty list', printers('mustSlice .Values.emptyList', false)),
  // the neighbours that return empty, not nil
  c('regexSplit of an empty string', printers('regexSplit "z" "" -1')),
  c('regexSplit of an empty string by an empty pattern', `${printers('regexSplit "" "" -1')}#${printers('mustRegexSplit "" "" 2')}#${printers('regexFindAll "" "" -1')}`),
  c('rest and initial of one element', `${printers('rest (list 1)')}#${printers('initial (list 1)')}`),
  c('without compact uniq of empty lists', `${printers('without (list) 1')}#${printers('compact (list)')}#${printers(`uniq (${nilList})`)}`),
  c('reverse of a nil slice', printers(`reverse (${nilStrings})`)),
  c('keys values pluck of empty dicts', `${printers('keys (dict)')}#${printers(`values (${nilMap})`)}#${printers('pluck "a" (dict)')}`),
  c('keys of a nil map', printers(`keys (${nilMap}) (dict)`)),
  c('chunk of an empty list', printers('chunk 2 (list)')),
  c('list and dict of nothing', `${printers('list')}#${printers('dict')}`),
  c('splitList of an empty string', printers('splitList "," ""')),
  c('until 0', printers('until 0')),
  c('fromYaml and fromYamlArray of null', `${printers('fromYaml "null"')}#${printers('fromYamlArray "null"')}#${printers('fromYaml ""')}`),
  c('fromJson and fromJsonArray of empty', `${printers('fromJson "{}"')}#${printers('fromJsonArray "[]"')}`),
  c('tpl with any value as dot', '{{ tpl "x" "s" }}|{{ tpl "x" 1 }}|{{ tpl "{{ . }}" 1 }}|{{ tpl "{{ . }}" nil }}|{{ tpl "{{ printf \\"%T\\" . }}" (list 1) }}|{{ tpl "{{ .a }}" (dict "a" 2) }}'),
  c('lookup offline', printers('lookup "v1" "Pod" "" ""')),
  c('fromJsonArray of what is not an array', '{{ toJson (fromJsonArray "{}") }}|{{ toJson (fromJsonArray "3") }}|{{ toJson (fromJsonArray "\\"s\\"") }}|{{ toJson (fromJsonArray "true") }}'),
  c('fromYamlArray of what is not a sequence', '{{ toJson (fromYamlArray "a: 1") }}|{{ toJson (fromYamlArray "3") }}|{{ toJson (fromYamlArray "x") }}|{{ toJson (fromYamlArray "true") }}|{{ toJson (fromYamlArray "1.5") }}|{{ toJson (fromYamlArray "2020-01-01") }}'),
  c('fromYaml and fromYamlArray of what JSON cannot hold', '{{ toJson (fromYamlArray ".inf") }}|{{ toJson (fromYamlArray "[.inf]") }}|{{ toJson (fromYamlArray ".nan") }}|{{ toJson (fromYamlArray "-.inf") }}|{{ toJson (fromYaml "a: .inf") }}|{{ toJson (fromYaml "b: .inf\\na: .nan") }}|{{ toJson (fromYaml "a: [1, -.inf]") }}|{{ toJson (fromYaml "[.inf]") }}|{{ toJson (fromYaml "a: !!float .inf") }}'),
  c('fromYaml and fromYamlArray of a sequence or mapping as a key', '{{ toJson (fromYamlArray "? [a]\\n: b") }}|{{ toJson (fromYaml "? [a, 1, 1.5, true, null]\\n: b") }}|{{ toJson (fromYaml "? {b: 1, a: x}\\n: b") }}|{{ toJson (fromYaml "a: {[a]: b}") }}|{{ toJson (fromYaml "a: .inf\\n? [x]\\n: 1") }}|{{ toJson (fromYaml "? [[a]]\\n: b") }}|{{ toJson (fromYaml "? []\\n: b") }}|{{ toJson (fromYaml "? {}\\n: b") }}|{{ toJson (fromYamlArray "- ? [2.0, 1e3]\\n  : b") }}'),
  c('Files.Glob and Files.Lines of nothing', `${printers('.Files.Glob "nope/*"')}#${printers('.Files.Lines "nope"')}`),
  c('pick and omit of a nil map', `${printers('pick nil "a"')}#${printers(`omit (${nilMap}) "a"`)}`),
  c('merge into a nil map makes a map', `${printers(`merge (${nilMap}) (dict)`)}#${printers('mergeOverwrite nil (dict "a" 1)')}`),
  c('append and prepend to a nil slice', `${printers(`append (${nilStrings}) "x"`)}#${printers(`mustPrepend (${nilList}) 1`)}`),
  c('empty values', `${printers('.Values.emptyList')}#${printers('.Values.emptyMap')}`),
  // comparisons
  c('comparisons of a nil []string', comparisons(nilStrings, 'keys (dict)', 'regexSplit "a" "b" 0')),
  c('comparisons of a nil []interface {}', comparisons(nilList, '(list)', 'concat')),
  c('comparisons of a nil map', comparisons(nilMap, '(dict)', 'unset nil "a"')),
  c('comparisons of empty values', `{{ $v := .Values.emptyList }}{{ eq $v nil }}|{{ ne $v nil }}|{{ eq $v (${nilList}) }}|{{ eq (${nilList}) $v }}|{{ deepEqual $v (list) }}|{{ deepEqual $v (${nilList}) }}|{{ eq (dict) (${nilMap}) }}`),
  c('eq of nil with nil and empty values', '{{ eq nil nil }}|{{ eq (list) nil }}|{{ eq .Values.emptyMap nil }}|{{ eq .Values.nil (rest (list)) }}|{{ eq (rest (list)) .Values.missing }}'),
  c('deepCopy keeps the Go type', '{{ printf "%T|%T|%T|%T|%T|%#v" (deepCopy .Values) (deepCopy (regexFindAll "a" "a" -1)) (deepCopy (until 2)) (deepCopy .Capabilities.APIVersions) (deepCopy .Files) (deepCopy (keys (dict "a" 1))) }}'),
  c('deepCopy and slice keep the methods of Capabilities.APIVersions', '{{ (deepCopy .Capabilities.APIVersions).Has "v1" }}|{{ (slice .Capabilities.APIVersions 0 1).Has "v1" }}|{{ (slice .Capabilities.APIVersions 1 2).Has "v1" }}|{{ (mustSlice .Capabilities.APIVersions 1).Has "apps/v1" }}|{{ (mustDeepCopy (slice .Capabilities.APIVersions 0 1)).Has "apps/v1" }}'),
  c('slice keeps the Go type', '{{ printf "%#v %T" (slice (regexFindAll "a" "aaa" -1) 1) (slice (keys (dict "a" 1 "b" 2)) 0 1) }}|{{ printf "%#v" (slice (until 3) 1 2) }}|{{ printf "%#v|%T" (slice .Capabilities.APIVersions 0 2) (deepCopy (slice .Capabilities.APIVersions 0 1)) }}'),
  c('Capabilities.APIVersions is a list', '{{ range $i, $v := .Capabilities.APIVersions }}{{ if lt $i 2 }}{{ $v }},{{ end }}{{ end }}|{{ len .Capabilities.APIVersions }}|{{ index .Capabilities.APIVersions 0 }}|{{ first .Capabilities.APIVersions }}|{{ .Capabilities.APIVersions.Has "v1" }}|{{ .Capabilities.APIVersions.Has "example.com/v1/Widget" }}|{{ toJson .Capabilities.APIVersions }}|{{ kindOf .Capabilities.APIVersions }}|{{ typeOf .Capabilities.APIVersions }}|{{ has "apps/v1" .Capabilities.APIVersions }}|{{ empty .Capabilities.APIVersions }}'),
  // reading and changing a nil map
  c('reading a nil map', `{{ $m := ${nilMap} }}{{ index $m "a" }}|{{ get $m "a" }}|{{ hasKey $m "a" }}|{{ dig "a" "d" $m }}|{{ range $k, $x := $m }}x{{ else }}E{{ end }}|{{ toJson (pick $m) }}`),
  c('set on a map holding a nil map', `{{ $d := dict "a" (${nilStrings}) }}{{ $_ := set $d "b" (${nilMap}) }}{{ toJson $d }}|{{ toYaml $d }}|{{ printf "%#v" $d }}|{{ toToml $d }}`),
  c('index of a nil slice in a list', `{{ printf "%#v" (index (list (${nilStrings})) 0) }}|{{ printf "%#v" (first (list (${nilList}))) }}`),
  c('toToml of a nil slice or map in a list', `{{ toToml (dict "c" (list (${nilList}))) }}|{{ toToml (dict "c" (list 1 (${nilStrings}))) }}|{{ toToml (dict "c" (list (${nilMap}))) }}|{{ toToml (dict "a" (list (list (${nilList})))) }}|{{ toToml (dict "a" (list (dict "b" (list (${nilList}))))) }}|{{ toToml (dict "a" (list (dict "x" 1) (${nilMap}))) }}|{{ toToml (dict "a" (list (${nilMap}) (dict "x" 1))) }}|{{ toToml (dict "a" (list (dict "x" 1) nil)) }}`),
  // merge and mergeOverwrite with empty and nil values (mergo's rules)
  c('merge fills empty values', '{{ toJson (merge (dict "a" "" "b" 0 "c" false "d" (list) "e" (dict) "f" nil) (dict "a" "x" "b" 1 "c" true "d" (list 1) "e" (dict "y" 1) "f" 2)) }}'),
  c('mergeOverwrite sets empty values', '{{ toJson (mergeOverwrite (dict "a" "s" "b" 5 "c" true "d" (list 1) "e" (dict "y" 1) "f" 2) (dict "a" "" "b" 0 "c" false "d" (list) "e" (dict) "f" nil)) }}'),
  c('merge and mergeOverwrite across kinds', '{{ toJson (mergeOverwrite (dict "a" "s" "d" (list 1)) (dict "a" (list 2) "d" "str")) }}|{{ toJson (merge (dict "a" "s" "d" (list 1)) (dict "a" (list 2) "d" "str")) }}|{{ toJson (merge (dict "n" (dict)) (dict "n" "x")) }}|{{ toJson (mergeOverwrite (dict "n" (dict "a" 1)) (dict "n" "x")) }}'),
  c('merge and mergeOverwrite of nested lists', '{{ toJson (merge (dict "n" (dict "a" (list 1))) (dict "n" (dict "a" (list 2) "b" (list)))) }}|{{ toJson (mergeOverwrite (dict "n" (dict "a" (list 1))) (dict "n" (dict "a" (list) "b" nil))) }}'),
  c('merge into a nil map value', `{{ $a := dict "n" (${nilMap}) }}{{ toJson (merge $a (dict "n" (dict "x" 1))) }}|{{ toJson $a }}|{{ toJson (mergeOverwrite (dict "n" (${nilMap})) (dict "n" (dict "x" 1))) }}|{{ toJson (mergeOverwrite (dict "n" (dict "y" 2)) (dict "n" (${nilMap}))) }}|{{ toJson (merge (dict "n" (dict)) (dict "n" (${nilMap}))) }}`),
  c('merge with nil slice values', `{{ toJson (merge (dict "n" (${nilStrings})) (dict "n" (list 1))) }}|{{ toJson (mergeOverwrite (dict "n" (list 1)) (dict "n" (${nilStrings}))) }}|{{ toJson (merge (dict) (dict "n" (${nilStrings}))) }}|{{ toJson (merge (dict "n" nil) (dict "n" (${nilMap}))) }}`),
]
