import type { Options } from 'tsup'
import { packageBuild } from '../../tsup.shared.js'
import { requireSdk } from './tsup.requireSdk.config.js'

export default packageBuild({ entry: ['src/index.ts'] }).map((build): Options => ({ ...build, plugins: [...(build.plugins ?? []), requireSdk] }))
