// The public contract of @gitops-sdk/core: what is not exported here does not exist.
export type { CoreErrorCode, ErrorDetails, GitOpsErrorInit, GitOpsErrorJson } from './errors.js'
export { CoreError, GitOpsError, isGitOpsError } from './errors.js'
export type { KubeMap, KubeObject, KubeScalar, KubeValue, ObjectMeta } from './object.js'
export { cloneValue, createMap, deepEqual, isKubeMap, isKubeObject, setOwn, splitApiVersion } from './object.js'
export type { ParseOptions, YamlDocument } from './parseObjects.js'
export { parseDocuments, parseObjects } from './parseObjects.js'
export { stringifyObjects, stringifyValue } from './stringifyObjects.js'
export type { ObjectRef } from './objectRef.js'
export { compareRefs, formatRef, refKey, refOf, sameRef, sortObjects, sortRefs } from './objectRef.js'
export type { Inventory, InventoryEntry } from './inventory.js'
export { createInventory, inventoryDiff, inventoryOf, parseInventory, serializeInventory } from './inventory.js'
export type { Deadline } from './deadline.js'
export { deadline } from './deadline.js'
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
export type { DirEntry, EntryType, FileContent, FileStat, FileSystem, MemoryFileSystem } from './fileSystem.js'
export { memoryFs, nodeFs, normalizePath, overlayFs, readTextFile } from './fileSystem.js'
export type { Clock, FakeClock } from './clock.js'
export { createFakeClock, systemClock } from './clock.js'
export type { LogFields, Logger, LogLevel } from './logger.js'
export { createStreamLogger, silentLogger } from './logger.js'
export type { SchemaDefinition, SchemaNode } from './openapi.js'
export { builtinDefinition, builtinDefinitionName, builtinKinds, builtinSchema } from './openapi.js'
export type { UnchangedSource } from './unchangedSource.js'
