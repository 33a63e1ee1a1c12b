import { describe, expect, it } from 'vitest'
import * as go from './go.js'
import * as api from './index.js'
import * as light from './light.js'
import * as semver from './semver.js'
import * as yaml from './yaml.js'

describe('@gitops-sdk/core exports', () => {
  it('exports exactly these names', () => {
    expect(Object.keys(api).sort()).toMatchSnapshot()
  })

  it('exports exactly these names from @gitops-sdk/core/go and @gitops-sdk/core/yaml', () => {
    expect({ go: Object.keys(go).sort(), yaml: Object.keys(yaml).sort() }).toMatchSnapshot()
  })

  it('exports exactly these names from @gitops-sdk/core/light', () => {
    expect(Object.keys(light).sort()).toMatchInlineSnapshot(`
      [
        "CoreError",
        "GitOpsError",
        "cloneValue",
        "createFakeClock",
        "createMap",
        "createStreamLogger",
        "deadline",
        "deepEqual",
        "isGitOpsError",
        "isKubeMap",
        "isKubeObject",
        "memoryFs",
        "nodeFs",
        "normalizePath",
        "oneLine",
        "overlayFs",
        "readFileNoFollowSync",
        "readTextFile",
        "replaceUrls",
        "setOwn",
        "silentLogger",
        "splitApiVersion",
        "systemClock",
        "trimCharRun",
      ]
    `)
  })

  it('exports exactly these names from @gitops-sdk/core/semver', () => {
    expect(Object.keys(semver).sort()).toMatchInlineSnapshot(`
      [
        "SemverError",
        "compareSemver",
        "parseFluxVersion",
        "parseSemver",
        "parseSemverConstraint",
        "parseStrictSemver",
        "semverConstraintError",
        "semverSatisfies",
        "semverText",
        "tryParseFluxVersion",
      ]
    `)
  })
})
