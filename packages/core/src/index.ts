// The public contract of @gitops-sdk/core: what is not exported here does not exist.
// The seams that load fast (errors, logger, deadline, clock, file systems, the object model's plain
// helpers) are listed once, in the light entry; this entry adds the YAML engine, refs, inventories,
// change sets, conditions and the OpenAPI table.
export * from './light.js'
export type { ParseOptions, YamlDocument } from './parseObjects.js'
export { parseDocuments, parseObjects } from './parseObjects.js'
export { stringifyObjects, stringifyValue } from './stringifyObjects.js'
export type { ObjectRef } from './objectRef.js'
export { compareRefs, formatRef, refKey, refOf, sameRef, sortObjects, sortRefs } from './objectRef.js'
export type { Inventory, InventoryEntry } from './inventory.js'
export { createInventory, inventoryDiff, inventoryOf, parseInventory, serializeInventory } from './inventory.js'
export type { Action, ChangeSet, ChangeSetEntry, ChangeSetReasonCode, ChangeSetSummary } from './changeSet.js'
export {
  createChangeSet,
  formatChangeSet,
  formatSummary,
  hasChanges,
  mergeChangeSets,
  summarizeChangeSet,
} from './changeSet.js'
export type { Condition, ConditionInit, ConditionReason, ConditionStatus, ConditionType } from './conditions.js'
export {
  getCondition,
  isConditionTrue,
  markFailed,
  markReady,
  markReconciling,
  removeCondition,
  setCondition,
} from './conditions.js'
export type { SchemaDefinition, SchemaNode } from './openapi.js'
export { builtinDefinition, builtinDefinitionName, builtinKinds, builtinSchema } from './openapi.js'
