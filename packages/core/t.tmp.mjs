import { parseYamlStream } from './dist/yaml.js'
const s = 'a: "' + '['.repeat(5000) + '"\n'
const cases = {
  flow100k: s + 'b: ' + '['.repeat(100000) + '\n',
  pairs100k: s + 'b: ' + '[a: '.repeat(100000) + '\n',
  seq100k: s + 'b:\n' + '- '.repeat(100000) + 'x\n',
  flow8m: '['.repeat(8 * 1024 * 1024 - 1),
  str8m: 'a: "' + '['.repeat(8 * 1024 * 1024 - 10) + '"\n',
  block: s + Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' v\n',
}
for (const [k, t] of Object.entries(cases)) {
  const t0 = process.cpuUsage(); let r
  try { parseYamlStream(t, { source: 'x' }); r = 'ok' } catch (e) { r = e.message.slice(0, 60) }
  const d = process.cpuUsage(t0); console.log(k, r, ((d.user + d.system) / 1000).toFixed(0), 'ms cpu')
}
