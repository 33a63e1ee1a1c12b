import type { Options } from 'tsup'
import { packageBuild } from '../../tsup.shared.js'

// shims: parse.ts requires yaml lazily through import.meta.url, which the CJS build must provide.
export default { ...(packageBuild({ entry: ['src/index.ts'], cjs: true }) as Options), shims: true }
