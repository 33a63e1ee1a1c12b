// kubectl 1.32 creating invalid built-in objects: the stderr is what kubectl prints against
// kube-apiserver 1.32 (the messages of Kubernetes' validation, joined by kubectl as it joins them), for
// `create`, client-side `apply`, server-side `apply` and their dry runs, and nothing is stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer } from '../../src/index.js'
import type { ApiServer } from '../../src/index.js'
import { hasKubectl, kubectlFor, needsKubectl } from '../helpers/kube.js'
import type { Kubectl } from '../helpers/kube.js'

let server: ApiServer
let kubectl: Kubectl
beforeAll(async () => {
  server = await startApiServer()
  kubectl = kubectlFor(server)
})
afterAll(async () => {
  kubectl.dispose()
  await server.stop()
})

const container = '      containers:\n      - name: web\n        image: nginx:1.27\n'
const deployment = (spec: string): string => `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n${spec}`

interface Case {
  readonly name: string
  readonly manifest: string
  readonly kind: string
  readonly object: string
  readonly stderr: string
}

const cases: Case[] = [
  {
    name: 'a Deployment without a selector',
    manifest: deployment(`  template:\n    metadata: {labels: {app: web}}\n    spec:\n${container}`),
    kind: 'deployment',
    object: 'web',
    stderr:
      'The Deployment "web" is invalid: \n* spec.selector: Required value\n* spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`\n',
  },
  {
    name: 'a Deployment whose selector does not match its template',
    manifest: deployment(`  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n${container}`),
    kind: 'deployment',
    object: 'web',
    stderr: 'The Deployment "web" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`\n',
  },
  {
    name: 'a Deployment with negative replicas and a container without image',
    manifest: deployment(`  replicas: -1\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - name: web\n`),
    kind: 'deployment',
    object: 'web',
    stderr: 'The Deployment "web" is invalid: \n* spec.replicas: Invalid value: -1: must be greater than or equal to 0\n* spec.template.spec.containers[0].image: Required value\n',
  },
  {
    name: 'a Service port out of range',
    manifest: 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports:\n  - port: 70000\n',
    kind: 'service',
    object: 'web',
    // targetPort defaults to the port before validation, so both are reported, as kube-apiserver does.
    stderr:
      'The Service "web" is invalid: \n* spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive\n* spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive\n',
  },
  {
    name: 'a Service whose name is not a DNS-1035 label',
    manifest: 'apiVersion: v1\nkind: Service\nmetadata: {name: 1web}\nspec:\n  ports:\n  - port: 80\n',
    kind: 'service',
    object: '1web',
    stderr:
      "The Service \"1web\" is invalid: metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')\n",
  },
  {
    name: 'a ConfigMap with an invalid label value',
    manifest: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  labels: {app: "-web"}\n',
    kind: 'configmap',
    object: 'web',
    stderr:
      "The ConfigMap \"web\" is invalid: metadata.labels: Invalid value: \"-web\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')\n",
  },
  {
    name: 'a Job whose pods restart Always',
    manifest: 'apiVersion: batch/v1\nkind: Job\nmetadata: {name: pi}\nspec:\n  template:\n    spec:\n      containers:\n      - name: pi\n        image: perl:5.34\n',
    kind: 'job',
    object: 'pi',
    stderr: 'The Job "pi" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"\n',
  },
  {
    name: 'a CronJob with a schedule of four fields',
    manifest:
      'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly}\nspec:\n  schedule: "0 0 * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers:\n          - name: c\n            image: busybox\n',
    kind: 'cronjob',
    object: 'nightly',
    stderr: 'The CronJob "nightly" is invalid: spec.schedule: Invalid value: "0 0 * *": expected exactly 5 fields, found 4: [0 0 * *]\n',
  },
  {
    name: 'a Role rule without verbs',
    manifest: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: reader}\nrules:\n- apiGroups: [""]\n  resources: [pods]\n',
    kind: 'role',
    object: 'reader',
    stderr: 'The Role "reader" is invalid: rules[0].verbs: Required value: verbs must contain at least one value\n',
  },
  {
    name: 'a RoleBinding to a kind that is not a role',
    manifest:
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: read}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Secret, name: reader}\nsubjects:\n- {kind: Robot, name: r2}\n',
    kind: 'rolebinding',
    object: 'read',
    stderr:
      'The RoleBinding "read" is invalid: \n* roleRef.kind: Unsupported value: "Secret": supported values: "Role", "ClusterRole"\n* subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"\n',
  },
  {
    name: 'a TLS Secret without its key',
    manifest: 'apiVersion: v1\nkind: Secret\nmetadata: {name: tls}\ntype: kubernetes.io/tls\ndata:\n  tls.crt: Y2VydA==\n',
    kind: 'secret',
    object: 'tls',
    stderr: 'The Secret "tls" is invalid: data[tls.key]: Required value\n',
  },
]

describe.skipIf(!hasKubectl)(needsKubectl('kubectl creating invalid built-in objects'), () => {
  const paths: [string, string[]][] = [
    ['create', ['create', '-f', '-']],
    ['create --dry-run=server', ['create', '--dry-run=server', '-f', '-']],
    ['client-side apply', ['apply', '-f', '-']],
    ['server-side apply', ['apply', '--server-side', '-f', '-']],
    ['server-side apply --dry-run=server', ['apply', '--server-side', '--dry-run=server', '-f', '-']],
  ]
  it.for(cases)('refuses $name with kube-apiserver\'s words on every write path', async ({ manifest, kind, object, stderr }) => {
    for (const [, args] of paths) {
      const result = await kubectl([...args, '-n', 'default'], manifest)
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 1, stderr })
    }
    const get = await kubectl(['get', kind, object, '-n', 'default'])
    expect(get.code).toBe(1)
    expect(get.stderr).toContain('NotFound')
  })

  it('refuses an update that changes a RoleBinding\'s roleRef and keeps the stored one', async () => {
    const binding = (role: string): string =>
      `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: fixed}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: ${role}}\nsubjects:\n- {kind: User, name: jane, apiGroup: rbac.authorization.k8s.io}\n`
    expect((await kubectl(['apply', '--server-side', '-n', 'default', '-f', '-'], binding('a'))).code).toBe(0)
    const changed = await kubectl(['apply', '--server-side', '-n', 'default', '-f', '-'], binding('b'))
    expect(changed.stderr).toBe('The RoleBinding "fixed" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"b"}: cannot change roleRef\n')
    const live = await kubectl(['get', 'rolebinding', 'fixed', '-n', 'default', '-o', 'jsonpath={.roleRef.name}'])
    expect(live.stdout).toBe('a')
  })
})
