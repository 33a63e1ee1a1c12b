import { describe, expect, it } from 'vitest'
import { memoryFs } from '@gitops-sdk/core'
import type { Clock } from '@gitops-sdk/core'
import { renderChart } from '../../renderChart.js'

// What depends on the clock, with a fixed one (helm's own clock cannot be pinned, so these
// expectations are Go's: the same forms test/differential/timeValues.test.ts checks against helm
// for times made with toDate).
const at = new Date('2024-03-05T10:20:30.5Z') // a Tuesday
const clock: Clock = { now: () => at, sleep: () => Promise.resolve() }

async function render(body: string): Promise<string> {
  const fs = memoryFs({ 'c/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n', 'c/templates/t.txt': `v: ${body}\n` })
  const { text } = await renderChart('c', { fs, releaseName: 'r', kubeVersion: 'v1.32.0', clock })
  return text.replace('---\n# Source: c/templates/t.txt\nv: ', '').replace(/\n$/u, '')
}

describe('time values of now', () => {
  it.each([
    ['now | date "1"', '{{ now | date "1" }}', '3'],
    ['(now).Month', '{{ (now).Month }}', 'March'],
    ['printf "%d" of the month and weekday', '{{ printf "%d %d" (now).Month (now).Weekday }}', '3 2'],
    ['%v, %s and %T of the weekday', '{{ printf "%v %s %T" (now).Weekday (now).Weekday (now).Weekday }}', 'Tuesday Tuesday time.Weekday'],
    ['a Duration since midnight', '{{ (now).Sub (toDate "2006-01-02" "2024-03-05") }}', '10h20m30.5s'],
    ['%d of that Duration', '{{ printf "%d" ((now).Sub (toDate "2006-01-02" "2024-03-05")) }}', '37230500000000'],
    ['its Hours', '{{ ((now).Sub (toDate "2006-01-02" "2024-03-05")).Hours }}', '10.341805555555556'],
    ['now one month on', '{{ ((now).AddDate 0 1 0).Month }} {{ (now).AddDate 0 1 0 | date "2006-01-02" }}', 'April 2024-04-05'],
    ['the month as a number for arithmetic', '{{ add (now).Month 1 }} {{ sub 12 (int (now).Month) }}', '4 9'],
  ])('%s', async (_name, body, expected) => {
    expect(await render(body)).toBe(expected)
  })
})
