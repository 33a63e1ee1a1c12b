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
  c('fromYaml of what is not a mapping', '{{ fromYaml "[1]" }}|{{ fromYaml "x" }}|{{ fromYaml "1" }}|{{ fromYaml "true" }}|{{ fromYaml "1.5" }}'),
  c('fromJson of what is not an object', '{{ fromJson "[1]" }}|{{ fromJson "\\"s\\"" }}|{{ fromJson "1" }}|{{ fromJson "false" }}'),
  c('fromYamlArray and fromJsonArray of what is not a list', '{{ fromYamlArray "a: 1" }}|{{ fromYamlArray "x" }}|{{ fromYamlArray "2" }}|{{ fromJsonArray "{}" }}|{{ fromJsonArray "true" }}|{{ fromJsonArray "\\"s\\"" }}'),
]
