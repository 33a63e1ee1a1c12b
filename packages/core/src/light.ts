/**
 * Core's seams without its YAML engine and OpenAPI table: the error classes, the logger,
 * `deadline`, the clock, the file systems, the object model's plain helpers (`isKubeMap`,
 * `setOwn`, `createMap` and their kin) and the small linear text scanners (`trimCharRun`, `oneLine`,
 * `replaceUrls`), the same ones the main entry exports, in one entry for programs and packages
 * that must start fast (a git fetch loads this before its first request, and nothing more of
 * core). One entry rather than one per seam: Node resolves each package subpath anew (its
 * package.json's `exports`, a real path through the package manager's links), about as costly as
 * loading the small module behind it. The entries share their modules, under `import` and
 * `require` alike, so a class is the same object through this entry and the main one.
 *
 * @packageDocumentation
 */
export type { CoreErrorCode, ErrorDetails, GitOpsErrorInit, GitOpsErrorJson } from './errors.js'
export { CoreError, GitOpsError, isGitOpsError } from './errors.js'
export type { LogFields, Logger, LogLevel } from './logger.js'
export { createStreamLogger, silentLogger } from './logger.js'
export type { Deadline } from './deadline.js'
export { deadline } from './deadline.js'
export type { Clock, FakeClock } from './clock.js'
export { createFakeClock, systemClock } from './clock.js'
export type { DirEntry, EntryType, FileContent, FileStat, FileSystem, MemoryFileSystem } from './fileSystem.js'
export { memoryFs, nodeFs, normalizePath, readTextFile } from './fileSystem.js'
export { overlayFs } from './overlayFs.js'
export { readFileNoFollowSync } from './internal/readNoFollow.js'
export type { UnchangedSource } from './unchangedSource.js'
export type { KubeMap, KubeObject, KubeScalar, KubeValue, ObjectMeta } from './object.js'
export { cloneValue, createMap, deepEqual, isKubeMap, isKubeObject, setOwn, splitApiVersion } from './object.js'
export { oneLine } from './oneLine.js'
export type { TrimEnds } from './trimCharRun.js'
export { trimCharRun } from './trimCharRun.js'
export type { ReplaceUrlsOptions, UrlReplacement, UrlSpan } from './replaceUrls.js'
export { replaceUrls } from './replaceUrls.js'
