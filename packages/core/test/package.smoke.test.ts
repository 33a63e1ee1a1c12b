import { describePackageSmoke } from '../../../testing/packageSmoke.js'
import * as errors from '../src/errors.js'
import * as go from '../src/go.js'
import * as index from '../src/index.js'
import * as logger from '../src/logger.js'
import * as yaml from '../src/yaml.js'

describePackageSmoke(new URL('..', import.meta.url).pathname, { index, go, yaml, errors, logger })
