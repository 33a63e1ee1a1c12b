import { describePackageSmoke } from '../../../testing/packageSmoke.js'
import * as index from '../src/index.js'
import * as testing from '../src/testing.js'

describePackageSmoke(new URL('..', import.meta.url).pathname, { index, testing })
