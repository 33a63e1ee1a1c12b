// Every sub-command, one import each; the command modules load their heavy dependencies lazily so
// that `gitops build` starts fast.
import type { Command } from '../context.js'
import { apiserverCommand } from './apiserver.js'
import { applyCommand } from './apply.js'
import { buildCommand } from './build.js'
import { controllerCommand } from './controller.js'
import { createCompletionCommand } from './completion.js'
import { decryptCommand } from './decrypt.js'
import { diffCommand } from './diff.js'
import { encryptCommand } from './encrypt.js'
import { eventsCommand } from './events.js'
import { fetchCommand } from './fetch.js'
import { fleetCommand } from './fleet.js'
import { getCommand } from './get.js'
import { installCommand } from './install.js'
import { pushCommand } from './push.js'
import { reconcileCommand } from './reconcile.js'
import { rotateCommand } from './rotate.js'
import { statusCommand } from './status.js'
import { resumeKustomizationCommand, suspendKustomizationCommand } from './suspend.js'
import { templateCommand } from './template.js'
import { traceCommand } from './trace.js'
import { treeCommand } from './tree.js'
import { updatekeysCommand } from './updatekeys.js'
import { versionCommand } from './version.js'

/** The sub-commands of `gitops`, in the order `--help` lists them. */
export const commands: readonly Command[] = [
  buildCommand,
  templateCommand,
  fleetCommand,
  fetchCommand,
  pushCommand,
  decryptCommand,
  encryptCommand,
  rotateCommand,
  updatekeysCommand,
  applyCommand,
  diffCommand,
  reconcileCommand,
  statusCommand,
  getCommand,
  suspendKustomizationCommand,
  resumeKustomizationCommand,
  traceCommand,
  treeCommand,
  eventsCommand,
  controllerCommand,
  installCommand,
  apiserverCommand,
  versionCommand,
  createCompletionCommand(() => commands),
]
