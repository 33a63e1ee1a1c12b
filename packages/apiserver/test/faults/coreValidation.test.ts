// Bad input for the built-in kinds, refused as kube-apiserver 1.32 refuses it: each case POSTs an
// invalid object and checks the 422 Invalid Status (message, details, one cause per field error),
// that nothing was stored, and for Secrets that no secret value appears in the answer.
import { describe, expect, it } from 'vitest'
import { raw } from '../helpers/kube.js'
import { faultServer } from '../helpers/faultServer.js'

const { server } = faultServer()

const subdomain =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
const label =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
const qualified =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
const pod = (spec: Record<string, unknown>): Record<string, unknown> => ({ containers: [{ name: 'c', image: 'busybox' }], ...spec })
const template = (spec: Record<string, unknown>, labels: Record<string, string> = { app: 'a' }): Record<string, unknown> => ({ metadata: { labels }, spec: pod(spec) })

interface Case {
  readonly name: string
  readonly path: string
  readonly body: Record<string, unknown>
  readonly message: string
  readonly causes?: readonly { reason: string; field: string }[] | undefined
}

const ns = '/api/v1/namespaces/default'
const apps = '/apis/apps/v1/namespaces/default'
const batch = '/apis/batch/v1/namespaces/default'
const rbac = '/apis/rbac.authorization.k8s.io/v1'

const cases: Case[] = [
  { name: 'an upper-case ConfigMap name', path: `${ns}/configmaps`, body: { metadata: { name: 'Web' } }, message: `ConfigMap "Web" is invalid: metadata.name: Invalid value: "Web": ${subdomain}`, causes: [{ reason: 'FieldValueInvalid', field: 'metadata.name' }] },
  { name: 'a bad generateName', path: `${ns}/configmaps`, body: { metadata: { generateName: 'Web-' } }, message: `metadata.generateName: Invalid value: "Web-": ${subdomain}` },
  { name: 'a Namespace name with dots', path: '/api/v1/namespaces', body: { metadata: { name: 'team.a' } }, message: 'Namespace "team.a" is invalid: metadata.name: Invalid value: "team.a": must not contain dots' },
  { name: 'a Namespace name over 63 characters', path: '/api/v1/namespaces', body: { metadata: { name: 'n'.repeat(64) } }, message: `metadata.name: Invalid value: "${'n'.repeat(64)}": must be no more than 63 characters` },
  { name: 'a Role named ..', path: `${rbac}/namespaces/default/roles`, body: { metadata: { name: '..' } }, message: 'Role.rbac.authorization.k8s.io ".." is invalid: metadata.name: Invalid value: "..": may not be \'..\'' },
  { name: 'a ClusterRole name with a percent sign', path: `${rbac}/clusterroles`, body: { metadata: { name: 'a%b' } }, message: 'ClusterRole.rbac.authorization.k8s.io "a%b" is invalid: metadata.name: Invalid value: "a%b": may not contain \'%\'' },
  { name: 'a label key with two slashes', path: `${ns}/configmaps`, body: { metadata: { name: 'lk', labels: { 'a/b/c': 'x' } } }, message: `metadata.labels: Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')` },
  { name: 'a label key with an empty name part', path: `${ns}/configmaps`, body: { metadata: { name: 'le', labels: { 'example.com/': 'x' } } }, message: `[metadata.labels: Invalid value: "example.com/": name part must be non-empty, metadata.labels: Invalid value: "example.com/": ${qualified}]` },
  { name: 'an annotation key with a space', path: `${ns}/configmaps`, body: { metadata: { name: 'ak', annotations: { 'a b': 'x' } } }, message: `metadata.annotations: Invalid value: "a b": ${qualified}` },
  { name: 'annotations over 256 KiB', path: `${ns}/configmaps`, body: { metadata: { name: 'big', annotations: { a: 'x'.repeat(256 * 1024) } } }, message: 'ConfigMap "big" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes', causes: [{ reason: 'FieldValueTooLong', field: 'metadata.annotations' }] },
  { name: 'a finalizer without a domain', path: `${ns}/configmaps`, body: { metadata: { name: 'fin', finalizers: ['hold'] } }, message: 'metadata.finalizers[0]: Invalid value: "hold": name is neither a standard finalizer name nor is it fully qualified' },
  { name: 'an owner reference without uid', path: `${ns}/configmaps`, body: { metadata: { name: 'own', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'o' }] } }, message: 'metadata.ownerReferences.uid: Invalid value: "": must not be empty' },
  { name: 'a Pod without containers', path: `${ns}/pods`, body: { metadata: { name: 'p' }, spec: {} }, message: 'Pod "p" is invalid: spec.containers: Required value' },
  { name: 'two containers of one name', path: `${ns}/pods`, body: { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'a' }, { name: 'c', image: 'b' }] } }, message: 'Pod "p" is invalid: spec.containers[1].name: Duplicate value: "c"' },
  { name: 'a container name with capitals', path: `${ns}/pods`, body: { metadata: { name: 'p' }, spec: { containers: [{ name: 'Web', image: 'a' }] } }, message: `spec.containers[0].name: Invalid value: "Web": ${label}` },
  { name: 'a container port of 0 and a bad protocol', path: `${ns}/pods`, body: { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'a', ports: [{ containerPort: 0, protocol: 'HTTP' }] }] } }, message: 'Pod "p" is invalid: [spec.containers[0].ports[0].containerPort: Required value, spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"]' },
  { name: 'a container port name too long', path: `${ns}/pods`, body: { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'a', ports: [{ name: 'a-very-long-port-name', containerPort: 80 }] }] } }, message: 'spec.containers[0].ports[0].name: Invalid value: "a-very-long-port-name": must be no more than 15 characters' },
  { name: 'a Pod restartPolicy that does not exist', path: `${ns}/pods`, body: { metadata: { name: 'p' }, spec: pod({ restartPolicy: 'Sometimes' }) }, message: 'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"' },
  { name: 'a Service without ports', path: `${ns}/services`, body: { metadata: { name: 's' }, spec: { selector: { app: 'a' } } }, message: 'Service "s" is invalid: spec.ports: Required value' },
  { name: 'two Service ports without names', path: `${ns}/services`, body: { metadata: { name: 's' }, spec: { ports: [{ port: 80 }, { port: 443 }] } }, message: 'Service "s" is invalid: [spec.ports[0].name: Required value, spec.ports[1].name: Required value]' },
  { name: 'a duplicate Service port', path: `${ns}/services`, body: { metadata: { name: 's' }, spec: { ports: [{ name: 'a', port: 80 }, { name: 'b', port: 80 }] } }, message: 'Service "s" is invalid: spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}' },
  { name: 'a nodePort on a ClusterIP Service', path: `${ns}/services`, body: { metadata: { name: 's' }, spec: { ports: [{ port: 80, nodePort: 30080 }] } }, message: "Service \"s\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'" },
  { name: 'a nodePort outside the range', path: `${ns}/services`, body: { metadata: { name: 's' }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] } }, message: 'spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767' },
  { name: 'an unknown Service type', path: `${ns}/services`, body: { metadata: { name: 's' }, spec: { type: 'Internal', ports: [{ port: 80 }] } }, message: 'spec.type: Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"' },
  { name: 'a named targetPort that is no port name', path: `${ns}/services`, body: { metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 'HTTP' }] } }, message: 'spec.ports[0].targetPort: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)' },
  { name: 'an invalid Service selector value', path: `${ns}/services`, body: { metadata: { name: 's' }, spec: { selector: { app: 'a b' }, ports: [{ port: 80 }] } }, message: 'spec.selector: Invalid value: "a b": a valid label must be an empty string' },
  { name: 'a clusterIP that is no IP', path: `${ns}/services`, body: { metadata: { name: 's' }, spec: { clusterIP: '10.0.0.300', ports: [{ port: 80 }] } }, message: 'spec.clusterIPs[0]: Invalid value: "10.0.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)' },
  { name: 'an empty Deployment selector', path: `${apps}/deployments`, body: { metadata: { name: 'd' }, spec: { selector: {}, template: template({}) } }, message: 'Deployment.apps "d" is invalid: spec.selector: Invalid value: &LabelSelector{MatchLabels:map[string]string{},MatchExpressions:[]LabelSelectorRequirement{},}: empty selector is invalid for deployment' },
  { name: 'a selector operator that does not exist', path: `${apps}/deployments`, body: { metadata: { name: 'd' }, spec: { selector: { matchExpressions: [{ key: 'app', operator: 'Is', values: ['a'] }] }, template: template({}) } }, message: 'spec.selector.matchExpressions[0].operator: Invalid value: "Is": not a valid selector operator' },
  { name: 'an In selector without values', path: `${apps}/deployments`, body: { metadata: { name: 'd' }, spec: { selector: { matchExpressions: [{ key: 'app', operator: 'In' }] }, template: template({}) } }, message: "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'" },
  { name: 'a selector value that is no label value', path: `${apps}/deployments`, body: { metadata: { name: 'd' }, spec: { selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['a', 'a b'] }] }, template: template({}) } }, message: 'spec.selector.matchExpressions[0].values[1]: Invalid value: "a b": a valid label must be an empty string or consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyValue\',  or \'my_value\',  or \'12345\', regex used for validation is \'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\')' },
  { name: 'a selector value longer than a label value', path: `${apps}/deployments`, body: { metadata: { name: 'd' }, spec: { selector: { matchLabels: { app: 'a' }, matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['x'.repeat(64)] }] }, template: template({}) } }, message: `spec.selector.matchExpressions[0].values[0]: Invalid value: "${'x'.repeat(64)}": must be no more than 63 characters` },
  { name: 'an Exists selector with values', path: `${apps}/deployments`, body: { metadata: { name: 'd' }, spec: { selector: { matchExpressions: [{ key: 'app', operator: 'Exists', values: ['a'] }] }, template: template({}) } }, message: "spec.selector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'" },
  { name: 'a selector key that is no qualified name', path: `${apps}/deployments`, body: { metadata: { name: 'd' }, spec: { selector: { matchExpressions: [{ key: 'a b', operator: 'Exists' }] }, template: template({}) } }, message: `spec.selector.matchExpressions[0].key: Invalid value: "a b": ${qualified}` },
  { name: 'a Deployment template that restarts on failure', path: `${apps}/deployments`, body: { metadata: { name: 'd' }, spec: { selector: { matchLabels: { app: 'a' } }, template: template({ restartPolicy: 'OnFailure' }) } }, message: 'Deployment.apps "d" is invalid: spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"' },
  { name: 'an unknown Deployment strategy', path: `${apps}/deployments`, body: { metadata: { name: 'd' }, spec: { strategy: { type: 'BlueGreen' }, selector: { matchLabels: { app: 'a' } }, template: template({}) } }, message: 'spec.strategy.type: Unsupported value: "BlueGreen": supported values: "Recreate", "RollingUpdate"' },
  { name: 'a ReplicaSet with an empty selector (named deployment upstream)', path: `${apps}/replicasets`, body: { metadata: { name: 'r' }, spec: { selector: {}, template: template({}) } }, message: 'empty selector is invalid for deployment' },
  { name: 'a StatefulSet without selector', path: `${apps}/statefulsets`, body: { metadata: { name: 's' }, spec: { serviceName: 's', template: template({}) } }, message: 'StatefulSet.apps "s" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{"app":"a"}: `selector` does not match template `labels`]' },
  { name: 'a DaemonSet without selector', path: `${apps}/daemonsets`, body: { metadata: { name: 'ds' }, spec: { template: template({}) } }, message: 'DaemonSet.apps "ds" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"a"}: `selector` does not match template `labels`' },
  { name: 'a Job with negative backoffLimit', path: `${batch}/jobs`, body: { metadata: { name: 'j' }, spec: { backoffLimit: -1, template: template({ restartPolicy: 'Never' }) } }, message: 'Job.batch "j" is invalid: spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0' },
  { name: 'a CronJob name over 52 characters', path: `${batch}/cronjobs`, body: { metadata: { name: 'c'.repeat(53) }, spec: { schedule: '@daily', jobTemplate: { spec: { template: template({ restartPolicy: 'Never' }) } } } }, message: `metadata.name: Invalid value: "${'c'.repeat(53)}": must be no more than 52 characters` },
  { name: 'a CronJob minute out of range', path: `${batch}/cronjobs`, body: { metadata: { name: 'c' }, spec: { schedule: '60 * * * *', jobTemplate: { spec: { template: template({ restartPolicy: 'Never' }) } } } }, message: 'spec.schedule: Invalid value: "60 * * * *": end of range (60) above maximum (59): 60' },
  { name: 'a CronJob with TZ in its schedule', path: `${batch}/cronjobs`, body: { metadata: { name: 'c' }, spec: { schedule: 'TZ=UTC 0 * * * *', jobTemplate: { spec: { template: template({ restartPolicy: 'Never' }) } } } }, message: 'spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead' },
  { name: 'a CronJob with an unknown descriptor', path: `${batch}/cronjobs`, body: { metadata: { name: 'c' }, spec: { schedule: '@fortnightly', jobTemplate: { spec: { template: template({ restartPolicy: 'Never' }) } } } }, message: 'spec.schedule: Invalid value: "@fortnightly": unrecognized descriptor: @fortnightly' },
  { name: 'a CronJob concurrencyPolicy that does not exist', path: `${batch}/cronjobs`, body: { metadata: { name: 'c' }, spec: { schedule: '@daily', concurrencyPolicy: 'Queue', jobTemplate: { spec: { template: template({ restartPolicy: 'Never' }) } } } }, message: 'spec.concurrencyPolicy: Unsupported value: "Queue": supported values: "Allow", "Forbid", "Replace"' },
  { name: 'a Role rule without resources', path: `${rbac}/namespaces/default/roles`, body: { metadata: { name: 'r' }, rules: [{ verbs: ['get'], apiGroups: [''] }] }, message: 'rules[0].resources: Required value: resource rules must supply at least one resource' },
  { name: 'a Role rule on non-resource URLs', path: `${rbac}/namespaces/default/roles`, body: { metadata: { name: 'r' }, rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }] }, message: 'rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs' },
  { name: 'a ClusterRoleBinding to a Role', path: `${rbac}/clusterrolebindings`, body: { metadata: { name: 'b' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' } }, message: 'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"' },
  { name: 'a ClusterRoleBinding ServiceAccount without namespace', path: `${rbac}/clusterrolebindings`, body: { metadata: { name: 'b' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'r' }, subjects: [{ kind: 'ServiceAccount', name: 'sa' }] }, message: 'subjects[0].namespace: Required value' },
  { name: 'a RoleBinding without roleRef', path: `${rbac}/namespaces/default/rolebindings`, body: { metadata: { name: 'b' } }, message: 'RoleBinding.rbac.authorization.k8s.io "b" is invalid: [roleRef.apiGroup: Unsupported value: "": supported values: "rbac.authorization.k8s.io", roleRef.kind: Unsupported value: "": supported values: "Role", "ClusterRole", roleRef.name: Required value]' },
  { name: 'a basic-auth Secret without username and password', path: `${ns}/secrets`, body: { metadata: { name: 'ba' }, type: 'kubernetes.io/basic-auth', data: { other: 'eA==' } }, message: 'Secret "ba" is invalid: [data[username]: Required value, data[password]: Required value]' },
  { name: 'a service-account-token Secret without its annotation', path: `${ns}/secrets`, body: { metadata: { name: 'sat' }, type: 'kubernetes.io/service-account-token' }, message: 'Secret "sat" is invalid: metadata.annotations[kubernetes.io/service-account.name]: Required value' },
  { name: 'an ssh-auth Secret without its key', path: `${ns}/secrets`, body: { metadata: { name: 'ssh' }, type: 'kubernetes.io/ssh-auth' }, message: 'Secret "ssh" is invalid: data[ssh-privatekey]: Required value' },
  { name: 'a ConfigMap over 1 MiB', path: `${ns}/configmaps`, body: { metadata: { name: 'huge' }, data: { a: 'x'.repeat(1024 * 1024 + 1) } }, message: 'ConfigMap "huge" is invalid: : Too long: may not be more than 1048576 bytes' },
]

describe('built-in kinds refuse bad input as kube-apiserver 1.32 does', () => {
  it.for(cases)('refuses $name', async ({ path, body, message, causes }) => {
    const answer = await raw(server(), { method: 'POST', path, body: JSON.stringify(body), contentType: 'application/json' })
    expect(answer.status).toBe(422)
    const status = answer.json()
    expect(status).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Invalid', code: 422 })
    expect(String(status.message)).toContain(message)
    const details = status.details as { causes: { reason: string; field: string; message: string }[]; kind: string }
    expect(details.causes.length).toBeGreaterThan(0)
    if (causes !== undefined) expect(details.causes.map(({ reason, field }) => ({ reason, field }))).toEqual(causes)
    const name = (body.metadata as { name?: string }).name
    if (name !== undefined) expect((await raw(server(), { method: 'GET', path: `${path}/${name}` })).status).toBe(404)
  })

  it('names a dockerconfigjson Secret that is no JSON without quoting its contents', async () => {
    const secret = Buffer.from('{"auths": SECRET-MARKER').toString('base64')
    const answer = await raw(server(), { method: 'POST', path: `${ns}/secrets`, body: JSON.stringify({ metadata: { name: 'pull' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': secret } }), contentType: 'application/json' })
    expect(answer.status).toBe(422)
    expect(answer.json().message).toBe('Secret "pull" is invalid: data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": invalid character \'S\' looking for beginning of value')
    expect(answer.text).not.toContain('SECRET-MARKER')
    expect(answer.text).not.toContain(secret)
    expect((await raw(server(), { method: 'GET', path: `${ns}/secrets/pull` })).status).toBe(404)
  })

  it('reports prototype-named label and selector keys as data, polluting nothing', async () => {
    const body = '{"metadata":{"name":"proto","labels":{"__proto__":"x"}},"spec":{"selector":{"matchLabels":{"constructor":"a"}},"template":{"metadata":{"labels":{"constructor":"b"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}}'
    const answer = await raw(server(), { method: 'POST', path: `${apps}/deployments`, body, contentType: 'application/json' })
    expect(answer.status).toBe(422)
    expect(answer.json().message).toBe(
      `Deployment.apps "proto" is invalid: [metadata.labels: Invalid value: "__proto__": ${qualified}, spec.template.metadata.labels: Invalid value: map[string]string{"constructor":"b"}: \`selector\` does not match template \`labels\`]`,
    )
  })

  it('validates an update, a patch and a dry run as a create, and stores nothing invalid', async () => {
    const body = { metadata: { name: 'svc' }, spec: { ports: [{ port: 80 }] } }
    expect((await raw(server(), { method: 'POST', path: `${ns}/services`, body: JSON.stringify(body), contentType: 'application/json' })).status).toBe(201)
    const before = (await raw(server(), { method: 'GET', path: `${ns}/services/svc` })).json()
    const patched = await raw(server(), { method: 'PATCH', path: `${ns}/services/svc`, body: JSON.stringify({ spec: { ports: [{ port: 0 }] } }), contentType: 'application/merge-patch+json' })
    expect(patched.status).toBe(422)
    expect(patched.json().message).toContain('spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive')
    const dry = await raw(server(), { method: 'POST', path: `${ns}/services?dryRun=All`, body: JSON.stringify({ metadata: { name: 'dry' }, spec: { ports: [{ port: 99999 }] } }), contentType: 'application/json' })
    expect(dry.status).toBe(422)
    const after = (await raw(server(), { method: 'GET', path: `${ns}/services/svc` })).json()
    expect(after).toEqual(before)
  })
})
