// The public contract of @gitops-sdk/render: what is not exported here does not exist.
export type { RenderErrorCode } from './errors.js'
export { RenderError, isRenderError } from './errors.js'
export type { RenderOptions, SubstituteOptions } from './types.js'
export { render } from './render.js'
export type { SubstituteVariablesOptions } from './substituteVariables.js'
export { substituteVariables } from './substituteVariables.js'
export { parseVariables } from './parseVariables.js'
