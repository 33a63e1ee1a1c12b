// A date-heavy template for A/B of helm's time functions: per date, one toDate parse and four
// formats (three named zones and the render's Local), all past the zones' last TZif transitions,
// so each lookup goes through the footer rule. Usage: node bench/helmDates.mjs <helm dist dir> [count]
// (default 5000); prints the output's length and first line. Count instructions with
// `valgrind --tool=callgrind node --jitless bench/helmDates.mjs <dist> 3000`, minus a run with count 0.
const dist = process.argv[2]
const { renderTemplate } = await import(`${dist}/index.js`)
const times = []
for (let i = 0; i < Number(process.argv[3] ?? 5000); i++) times.push(new Date((2208988800 + i * 86400 * 7 + i * 3607) * 1000).toISOString().slice(0, 19).replace('T', ' ')) // 2040 onwards, weekly
const tpl = '{{ range .times }}{{ $t := toDate "2006-01-02 15:04:05" . }}{{ dateInZone "Mon Jan 2 15:04:05 MST 2006" $t "Europe/Paris" }} {{ dateInZone "2006-01-02T15:04:05.000Z07:00" $t "America/New_York" }} {{ date "Jan _2 03:04PM -0700" $t }} {{ dateInZone "2006-01-02" $t "Australia/Sydney" }}\n{{ end }}'
const out = renderTemplate(tpl, { times }, { timeZone: 'Europe/London' })
process.stdout.write(`${out.length} ${out.slice(0, 200).split('\n')[0]}\n`)
