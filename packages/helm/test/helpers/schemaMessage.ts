// Helm's schema messages list properties in Go's random map order (and charts in random order):
// compare them as trees with each level's entries sorted.

interface Entry {
  readonly line: string
  readonly children: Entry[]
}

function tree(lines: readonly string[]): Entry[] {
  const root: Entry[] = []
  const stack: { indent: number; list: Entry[] }[] = [{ indent: -1, list: root }]
  for (const line of lines) {
    const indent = line.length - line.trimStart().length
    while ((stack[stack.length - 1]?.indent ?? -1) >= indent) stack.pop()
    const entry: Entry = { line, children: [] }
    stack[stack.length - 1]?.list.push(entry)
    stack.push({ indent, list: entry.children })
  }
  return root
}

function print(entries: readonly Entry[]): string[] {
  return entries.map((e) => [e.line, ...print(e.children)].join('\n')).sort()
}

/** The failing charts of a schema message, each with its error tree sorted at every level. */
export function schemaBlocks(message: string): Map<string, string> {
  const out = new Map<string, string>()
  const body = message.replace(/^values don't meet the specifications of the schema\(s\) in the following chart\(s\):\n/, '').replace(/\n+$/, '')
  let chart = ''
  let lines: string[] = []
  const flush = (): void => {
    if (chart !== '') out.set(chart, print(tree(lines)).join('\n'))
  }
  for (const line of body.split('\n')) {
    const m = /^([^\s-][^:\s]*):$/.exec(line)
    if (m !== null) {
      flush()
      chart = m[1] ?? ''
      lines = []
    } else lines.push(line)
  }
  flush()
  return out
}
