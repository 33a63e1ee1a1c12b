// Every typed generator of `kubectl create` (kubectl 1.32), which sends built-in kinds in Kubernetes'
// protobuf envelope: each prints what it prints against a cluster, and the stored object holds what
// kube-apiserver stores after decoding the message (defaults applied, `creationTimestamp: null` in
// pod templates, zero-valued pointers such as `replicas: 0` kept). One server, one kubectl per command.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
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

// A throwaway self-signed pair made for this test only (CN test.example): kubectl checks that they match.
const testCert = `-----BEGIN CERTIFICATE-----
MIIBhTCCASugAwIBAgIUEBlBkyMqQu08W5yTYt3ZDBO1uv8wCgYIKoZIzj0EAwIw
FzEVMBMGA1UEAwwMdGVzdC5leGFtcGxlMCAXDTI2MTIwNjExMTExN1oYDzIxMjYx
MTEyMTExMTE3WjAXMRUwEwYDVQQDDAx0ZXN0LmV4YW1wbGUwWTATBgcqhkjOPQIB
BggqhkjOPQMBBwNCAASXVtPoZROS4D56ZizaRpz37m4o6+IhhjphW/aAUHDYhl9G
QxBpHqEPnKOpcDLtZtgF4zn6j3g0HbOz9xQm4Jn1o1MwUTAdBgNVHQ4EFgQUWpZt
pYd/wkYEikoz3jngf6Q++FMwHwYDVR0jBBgwFoAUWpZtpYd/wkYEikoz3jngf6Q+
+FMwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiEAnvKLxcg6geE4
d/PJwwK0YYgJuGLQsNvLyBD1TGjmVL8CIDAnkfMc9KEhqXvakFho+//ylFhDt3OK
+BPVKWYfFXld
-----END CERTIFICATE-----
`
const testKey = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgGpn4UDfM3BVaWug8
zBKvUY7d9km+1GHF78bKWtpzERuhRANCAASXVtPoZROS4D56ZizaRpz37m4o6+Ih
hjphW/aAUHDYhl9GQxBpHqEPnKOpcDLtZtgF4zn6j3g0HbOz9xQm4Jn1
-----END PRIVATE KEY-----
`

function pemFiles(dir: string): { cert: string; key: string } {
  const key = join(dir, 'tls.key')
  const cert = join(dir, 'tls.crt')
  writeFileSync(key, testKey)
  writeFileSync(cert, testCert)
  return { cert, key }
}

describe.skipIf(!hasKubectl)(needsKubectl('kubectl create generators (protobuf bodies)'), () => {
  it('creates every kind its typed generators make, as against a cluster', async () => {
    const ns = ['-n', 'team']
    const { cert, key } = pemFiles(kubectl.dir)
    const commands: [args: string[], printed: string][] = [
      [['create', 'namespace', 'team'], 'namespace/team created'],
      [['create', 'cronjob', 'tick', '--image=busybox', '--schedule=*/5 * * * *', ...ns, '--', 'date'], 'cronjob.batch/tick created'],
      [['create', 'configmap', 'cm', '--from-literal=a=1', '--from-literal=__proto__=2', ...ns], 'configmap/cm created'],
      [['create', 'secret', 'generic', 'pw', '--from-literal=password=hunter2', ...ns], 'secret/pw created'],
      [['create', 'secret', 'docker-registry', 'reg', '--docker-server=r.example', '--docker-username=u', '--docker-password=p', ...ns], 'secret/reg created'],
      [['create', 'secret', 'tls', 'tls', `--cert=${cert}`, `--key=${key}`, ...ns], 'secret/tls created'],
      [['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=3', '--port=80', ...ns], 'deployment.apps/web created'],
      [['create', 'deployment', 'idle', '--image=nginx:1.27', '--replicas=0', ...ns], 'deployment.apps/idle created'],
      [['create', 'job', 'once', '--image=busybox', ...ns, '--', 'date'], 'job.batch/once created'],
      [['create', 'job', 'tick-now', '--from=cronjob/tick', ...ns], 'job.batch/tick-now created'],
      [['create', 'role', 'reader', '--verb=get,list', '--resource=pods,deployments.apps', '--resource-name=a', ...ns], 'role.rbac.authorization.k8s.io/reader created'],
      [['create', 'clusterrole', 'viewer', '--verb=get', '--resource=pods', '--non-resource-url=/logs/*'], 'clusterrole.rbac.authorization.k8s.io/viewer created'],
      [['create', 'clusterrole', 'monitoring', '--aggregation-rule=rbac.example.com/aggregate-to-monitoring=true'], 'clusterrole.rbac.authorization.k8s.io/monitoring created'],
      [['create', 'rolebinding', 'read', '--role=reader', '--user=alice', '--serviceaccount=team:robot', ...ns], 'rolebinding.rbac.authorization.k8s.io/read created'],
      [['create', 'clusterrolebinding', 'view', '--clusterrole=viewer', '--group=devs'], 'clusterrolebinding.rbac.authorization.k8s.io/view created'],
      [['create', 'serviceaccount', 'robot', ...ns], 'serviceaccount/robot created'],
      [['create', 'service', 'clusterip', 'api', '--tcp=5678:8080', ...ns], 'service/api created'],
      [['create', 'service', 'clusterip', 'headless', '--clusterip=None', ...ns], 'service/headless created'],
      [['create', 'service', 'externalname', 'ext', '--external-name=example.com', ...ns], 'service/ext created'],
      [['create', 'service', 'loadbalancer', 'lb', '--tcp=80:8080', ...ns], 'service/lb created'],
      [['create', 'service', 'nodeport', 'np', '--tcp=5678:8080', '--node-port=30080', ...ns], 'service/np created'],
      [['create', 'ingress', 'ing', '--rule=foo.com/bar=api:8080,tls=tls', ...ns], 'ingress.networking.k8s.io/ing created'],
      [['create', 'poddisruptionbudget', 'pdb', '--selector=app=web', '--min-available=50%', ...ns], 'poddisruptionbudget.policy/pdb created'],
      [['create', 'priorityclass', 'high', '--value=1000', '--description=high', '--preemption-policy=Never'], 'priorityclass.scheduling.k8s.io/high created'],
      [['create', 'quota', 'q', '--hard=cpu=1,memory=1G,pods=2', '--scopes=BestEffort', ...ns], 'resourcequota/q created'],
    ]
    const run = async ([args]: [string[], string]): Promise<string> => {
      const r = await kubectl(args)
      return r.code === 0 ? r.stdout.trim() : `${args.join(' ')}: ${r.stderr.trim()}`
    }
    // The namespace and the CronJob come first (the rest need them), then four kubectl at a time.
    const printed = [await run(commands[0]!)]
    const rest = commands.slice(1)
    for (let i = 0; i < rest.length; i += 4) printed.push(...(await Promise.all(rest.slice(i, i + 4).map(run))))
    expect(printed).toEqual(commands.map(([, p]) => p))
    // Every one of them went in as protobuf.
    const posts = server.requests().filter((r) => r.method === 'POST')
    expect(posts).toHaveLength(commands.length)
    expect(new Set(posts.map((r) => r.contentType))).toEqual(new Set(['application/vnd.kubernetes.protobuf']))

    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- deep reads of stored objects
    type Loose = Record<string, any>
    const get = (kind: string, name: string, namespace = 'team'): Loose => {
      const [group, k] = kind.includes('/') ? (kind.split('/') as [string, string]) : ['', kind]
      return server.get({ group, kind: k, namespace, name }) as unknown as Loose
    }
    expect(get('ConfigMap', 'cm').data).toEqual(JSON.parse('{"a":"1","__proto__":"2"}'))
    expect(Object.getPrototypeOf(get('ConfigMap', 'cm').data)).toBe(Object.prototype)
    expect(Buffer.from(get('Secret', 'pw').data.password, 'base64').toString()).toBe('hunter2')
    expect(get('Secret', 'reg').type).toBe('kubernetes.io/dockerconfigjson')
    expect(get('Secret', 'tls').type).toBe('kubernetes.io/tls')
    const web = get('apps/Deployment', 'web')
    expect(web.spec.replicas).toBe(3)
    expect(web.spec.template).toEqual({
      metadata: { creationTimestamp: null, labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'nginx',
            image: 'nginx:1.27',
            ports: [{ containerPort: 80, protocol: 'TCP' }],
            resources: {},
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
            imagePullPolicy: 'IfNotPresent',
          },
        ],
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
        dnsPolicy: 'ClusterFirst',
        securityContext: {},
        schedulerName: 'default-scheduler',
      },
    })
    expect(get('apps/Deployment', 'idle').spec.replicas).toBe(0)
    expect(get('batch/Job', 'once').spec.template.spec.containers[0].command).toEqual(['date'])
    expect(get('batch/Job', 'tick-now').metadata.annotations).toEqual({ 'cronjob.kubernetes.io/instantiate': 'manual' })
    expect(get('batch/CronJob', 'tick').spec.schedule).toBe('*/5 * * * *')
    expect(get('rbac.authorization.k8s.io/Role', 'reader').rules).toEqual([
      { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'], resourceNames: ['a'] },
      { verbs: ['get', 'list'], apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['a'] },
    ])
    expect(get('rbac.authorization.k8s.io/ClusterRole', 'viewer', '').rules).toEqual([
      { verbs: ['get'], apiGroups: [''], resources: ['pods'] },
      { verbs: ['get'], nonResourceURLs: ['/logs/*'] },
    ])
    expect(get('rbac.authorization.k8s.io/ClusterRole', 'monitoring', '').aggregationRule).toEqual({
      clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } }],
    })
    expect(get('rbac.authorization.k8s.io/RoleBinding', 'read').subjects).toEqual([
      { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' },
      { kind: 'ServiceAccount', name: 'robot', namespace: 'team' },
    ])
    expect(get('Service', 'api').spec.ports).toEqual([{ name: '5678-8080', protocol: 'TCP', port: 5678, targetPort: 8080 }])
    expect(get('Service', 'headless').spec.clusterIP).toBe('None')
    expect(get('Service', 'ext').spec).toMatchObject({ type: 'ExternalName', externalName: 'example.com' })
    expect(get('Service', 'np').spec.ports[0].nodePort).toBe(30080)
    expect(get('networking.k8s.io/Ingress', 'ing').spec).toEqual({
      rules: [{ host: 'foo.com', http: { paths: [{ path: '/bar', pathType: 'Exact', backend: { service: { name: 'api', port: { number: 8080 } } } }] } }],
      tls: [{ hosts: ['foo.com'], secretName: 'tls' }],
    })
    expect(get('policy/PodDisruptionBudget', 'pdb').spec).toEqual({ minAvailable: '50%', selector: { matchLabels: { app: 'web' } } })
    expect(get('scheduling.k8s.io/PriorityClass', 'high', '')).toMatchObject({ value: 1000, description: 'high', preemptionPolicy: 'Never' })
    expect(get('ResourceQuota', 'q').spec).toEqual({ hard: { cpu: '1', memory: '1G', pods: '2' }, scopes: ['BestEffort'] })
  })
})
