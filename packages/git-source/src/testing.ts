// @gitops-sdk/git-source/testing: a real git server and repository builder for tests and demos.
// Public API like the main entry; it spawns only `git` and listens only on 127.0.0.1.
export type { RunGitOptions } from './testing/runGit.js'
export { gitEnv, runGit } from './testing/runGit.js'
export type {
  CreateRepositoryOptions,
  TestCommitOptions,
  TestFile,
  TestRepository,
  TestSigning,
  TestTagOptions,
} from './testing/testRepository.js'
export { createRepository, filesFromDirectory } from './testing/testRepository.js'
export type {
  GitServer,
  GitServerAuth,
  GitServerFault,
  GitServerFaultTarget,
  GitServerRequest,
  StartGitServerOptions,
} from './testing/gitServer.js'
export { startGitServer } from './testing/gitServer.js'
