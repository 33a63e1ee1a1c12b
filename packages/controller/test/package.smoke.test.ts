import { describePackageSmoke } from '../../../testing/packageSmoke.js'
import * as gitops from '../src/gitops.js'
import * as index from '../src/index.js'

describePackageSmoke(new URL('..', import.meta.url).pathname, { index, gitops })
