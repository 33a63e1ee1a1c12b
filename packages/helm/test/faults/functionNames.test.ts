// The function map is Helm 4's, name for name: every function helm v4.1.4 defines (Sprig without
// env and expandenv, plus Helm's own) is defined, and the names helm leaves undefined fail to parse
// with Go's message. The list was read from helm v4.1.4 (`helm lint` of a chart per name).
import { isGitOpsError } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { renderTemplate } from '../../src/index.js'

const defined = 'abbrev abbrevboth add add1 add1f addf adler32sum ago all any append atoi b32dec b32enc b64dec b64enc base bcrypt biggest buildCustomCert camelcase cat ceil chunk clean coalesce compact concat contains date dateInZone dateModify date_in_zone date_modify decryptAES deepCopy deepEqual default derivePassword dict dig dir div divf duration durationRound empty encryptAES ext fail first float64 floor fromJson fromJsonArray fromToml fromYaml fromYamlArray genCA genCAWithKey genPrivateKey genSelfSignedCert genSelfSignedCertWithKey genSignedCert genSignedCertWithKey get getHostByName has hasKey hasPrefix hasSuffix hello htmlDate htmlDateInZone htpasswd indent initial initials int int64 isAbs join kebabcase keys kindIs kindOf last list lower max maxf merge mergeOverwrite min minf mod mul mulf mustAppend mustChunk mustCompact mustDateModify mustDeepCopy mustFirst mustFromJson mustHas mustInitial mustLast mustMerge mustMergeOverwrite mustPrepend mustPush mustRegexFind mustRegexFindAll mustRegexMatch mustRegexReplaceAll mustRegexReplaceAllLiteral mustRegexSplit mustRest mustReverse mustSlice mustToDate mustToJson mustToPrettyJson mustToRawJson mustToYaml mustUniq mustWithout must_date_modify nindent nospace now omit osBase osClean osDir osExt osIsAbs pick pluck plural prepend push quote randAlpha randAlphaNum randAscii randBytes randInt randNumeric regexFind regexFindAll regexMatch regexQuoteMeta regexReplaceAll regexReplaceAllLiteral regexSplit repeat replace rest reverse round semver semverCompare seq set sha1sum sha256sum sha512sum shuffle slice snakecase sortAlpha split splitList splitn squote sub subf substr swapcase ternary title toDate toDecimal toJson toPrettyJson toRawJson toString toStrings toToml toYaml toYamlPretty trim trimAll trimPrefix trimSuffix trimall trunc tuple typeIs typeIsLike typeOf uniq unixEpoch unset until untilStep untitle upper urlJoin urlParse uuidv4 values without wrap wrapWith include tpl required lookup'.split(' ')

const undefinedInHelm = ['env', 'expandenv', 'mustFromJsonArray', 'mustFromToml', 'mustFromYaml', 'mustFromYamlArray', 'mustToToml', 'randSeededNumeric', 'randUUID', 'sha384sum']

describe('the function map', () => {
  it('defines every function helm v4.1.4 defines', () => {
    const missing = defined.filter((name) => {
      try {
        renderTemplate(`{{ if false }}{{ ${name} }}{{ end }}`, {})
        return false
      } catch {
        return true
      }
    })
    expect(missing).toEqual([])
  })

  it.each(undefinedInHelm)('leaves %s undefined, as helm does', (name) => {
    let message = ''
    try {
      renderTemplate(`{{ ${name} }}`, {}, { name: 'names.tpl' })
    } catch (err) {
      if (isGitOpsError(err)) message = `${err.code}: ${err.message}`
    }
    expect(message).toMatch(new RegExp(`^HELM_TEMPLATE_PARSE: .*function "${name}" not defined`))
  })
})
