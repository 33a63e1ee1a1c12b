// Printing scalars in the flat stores (dotenv, INI) as sops' stores.ValToString does.
import { SopsError } from '../../errors.js'
import { formatFloat, formatRfc3339, parseRfc3339 } from '@gitops-sdk/core/go'
import type { Node } from '../tree.js'

/** sops' `stores.ValToString` for a float: `%G`, with `.0` added when that looks like an integer. */
export function formatFloatValToString(x: number): string {
  const g = formatFloat(x, 'G')
  if (g.includes('.') || g.includes('E') || g.includes('Inf') || g === 'NaN') return g
  return `${g}.0`
}

export function valToString(node: Node, store: string): string {
  switch (node.kind) {
    case 'str':
      return node.value
    case 'bytes':
      return new TextDecoder().decode(node.value)
    case 'int':
      return node.value.toString()
    case 'float':
      return formatFloatValToString(node.value)
    case 'bool':
      return node.value ? 'true' : 'false'
    case 'null':
      return '<nil>'
    case 'time': {
      const t = parseRfc3339(node.value)
      return t === undefined ? node.value : formatRfc3339(t)
    }
    case 'map':
    case 'seq':
      throw new SopsError({
        code: 'SOPS_UNSUPPORTED_FORMAT',
        message: `${store} output: nested values cannot be written in the ${store} format`,
        details: { store },
      })
  }
}
