import { describePackageSmoke } from '../../../testing/packageSmoke.js'
import * as sources from '../src/index.js'

describePackageSmoke(new URL('..', import.meta.url).pathname, sources)
