// A randomized differential: templates generated from a small grammar of actions, pipelines and
// functions that cannot fail, over the shared values, rendered through the SDK and helm in one
// chart per seed. A mismatch names the seed and the generated template, so it can be replayed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prng } from '../../../../testing/prng.js'
import { helmBinary } from '../helpers/helmBinary.js'
import type { TemplateCase } from '../helpers/differential.js'
import { caseOutputs, caseTemplates, removeChart, renderBoth, writeChart } from '../helpers/differential.js'

const helm = helmBinary()
// 12 seeds by default, all in one helm run; HELM_RANDOM_SEEDS=50 ran clean when this was written.
const seeds = Array.from({ length: Number(process.env.HELM_RANDOM_SEEDS ?? 12) }, (_, i) => i + 1)
const perSeed = 40

function generator(seed: number): () => string {
  const rnd = prng(seed)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T
  const scalars = ['.Values.str', '.Values.int', '.Values.float', '.Values.big', '.Values.bool', '.Values.empty', '.Values.zero', '.Values.tiny', '.Values.unicode', '.Values.special', '.Values.nil', '.Values.missing', '3', '-2', '1.5', '"txt"', 'true', '(len .Values.list)', '(add 1 .Values.int)']
  const collections = ['.Values.list', '.Values.map', '.Values.mixed', '.Values.nums', '.Values.emptyList', '.Values.emptyMap', '.Values.nested', '(list 1 "a" 2.5)', '(dict "k" 1 "j" "v")']
  const verbs = ['%v', '%s', '%d', '%q', '%x', '%5v', '%-6v|', '%.2f', '%e', '%g', '%t', '%T', '%+v', '%#v', '%08.3f', '%c', '%U']
  const filters = ['quote', 'squote', 'upper', 'lower', 'toString', 'toJson', 'toYaml', 'b64enc', 'len', 'title', 'trim', 'nindent 2', 'indent 3', 'default "dflt"', 'empty', 'not', 'kindOf', 'typeOf', 'sha1sum']
  const stringFilters = new Set(['upper', 'lower', 'b64enc', 'title', 'trim', 'nindent 2', 'indent 3', 'sha1sum'])
  const value = (depth: number): string => {
    const r = rnd()
    if (r < 0.45 || depth > 2) return pick(scalars)
    if (r < 0.7) return pick(collections)
    if (r < 0.85) return `(printf "${pick(verbs)}" ${value(depth + 1)})`
    return `(${pick(['toString', 'toJson', 'quote'])} ${value(depth + 1)})`
  }
  const pipeline = (): string => {
    const v = value(0)
    const f = pick(filters)
    if (stringFilters.has(f)) return `${v} | toString | ${f}`
    if (f === 'len') return `${pick(collections)} | len`
    return `${v} | ${f}`
  }
  const block = (depth: number): string => {
    const r = rnd()
    const trimL = rnd() < 0.3 ? '- ' : ' '
    const trimR = rnd() < 0.3 ? ' -' : ' '
    if (r < 0.4 || depth > 2) return `a{{${trimL}${pipeline()}${trimR}}}\n`
    if (r < 0.55) return `{{${trimL}if ${value(1)}${trimR}}}T${block(depth + 1)}{{ else }}F{{ end }}\n`
    if (r < 0.7) return `{{ with ${value(1)} }}W{{ . }}{{ end }}\n`
    if (r < 0.85) return `{{ range $i, $v := ${pick(collections)} }}[{{ $i }}:{{ $v | toJson }}]{{ end }}\n`
    return `{{ $x := ${value(1)} }}{{ printf "${pick(verbs)}" $x }} {{ eq (typeOf $x) "string" }}\n`
  }
  return () => {
    let out = ''
    const n = 1 + Math.floor(rnd() * 4)
    for (let i = 0; i < n; i++) out += block(0)
    return out
  }
}

// Every seed's cases go into one chart, so one helm process checks them all; the generator only
// builds templates that cannot fail, and if one does the whole chart's error is compared.
const all = seeds.flatMap((seed) => {
  const next = generator(seed)
  return Array.from({ length: perSeed }, (_, i): TemplateCase & { seed: number } => ({ name: `seed ${seed} #${i}`, body: next(), seed }))
})

describe.skipIf(helm === undefined)(`generated templates, seeds 1..${seeds.length}`, () => {
  let dir = ''
  let helmOut = new Map<string, string>()
  let sdkOut = new Map<string, string>()
  let helmError = ''
  let sdkText = ''
  beforeAll(async () => {
    dir = await writeChart(caseTemplates(all))
    const { helm: h, sdk } = await renderBoth(dir)
    if (!h.ok) helmError = h.text
    sdkText = sdk.text
    helmOut = caseOutputs(h.text)
    sdkOut = caseOutputs(sdk.text)
  })
  afterAll(async () => {
    await removeChart(dir)
  })

  it('renders every generated template as helm does', () => {
    if (helmError !== '') {
      expect({ seeds: seeds.length, sdk: sdkText }).toEqual({ seeds: seeds.length, sdk: helmError })
      return
    }
    all.forEach((c, i) => {
      const id = `case-${String(i).padStart(3, '0')}`
      expect({ seed: c.seed, body: c.body, out: sdkOut.get(id) }).toEqual({ seed: c.seed, body: c.body, out: helmOut.get(id) })
    })
  })
})
