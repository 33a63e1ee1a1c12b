import { defineProject } from 'vitest/config'
import { sharedProject } from '../vitest.shared.js'

const project = sharedProject(import.meta.dirname)
export default defineProject({ ...project, test: { ...project.test, include: ['*.test.ts'] } })
