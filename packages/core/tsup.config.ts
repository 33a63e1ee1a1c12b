import { packageBuild } from '../../tsup.shared.js'

export default packageBuild({ entry: ['src/index.ts', 'src/go.ts', 'src/yaml.ts', 'src/semver.ts', 'src/errors.ts', 'src/logger.ts', 'src/light.ts'] })
