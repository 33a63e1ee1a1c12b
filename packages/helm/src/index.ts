// The public contract of @gitops-sdk/helm: what is not exported here does not exist.
export type { HelmErrorCode } from './errors.js'
export { HelmError } from './errors.js'
export type { RenderChartOptions } from './renderChart.js'
export { renderChart } from './renderChart.js'
export type { MissingKey, RenderTemplateOptions } from './renderTemplate.js'
export { renderTemplate } from './renderTemplate.js'
export type { RenderedChart, RenderedManifest } from './types.js'
