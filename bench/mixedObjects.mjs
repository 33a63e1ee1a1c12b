// The mixed objects of the apply benchmarks (apply.bench.mjs and cli-apply.bench.mjs).
import { Buffer } from 'node:buffer'

/** Mixed objects in `namespaces` namespaces: ConfigMaps, Secrets, ServiceAccounts, Services, Deployments, Roles, RoleBindings. */
export function objects(prefix, count, { changed = 0 } = {}) {
  const perNamespace = 100
  const out = []
  const namespaces = Math.ceil(count / perNamespace)
  for (let n = 0; n < namespaces; n++) out.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `${prefix}-${n}` } })
  for (let i = 0; out.length < count; i++) {
    const ns = `${prefix}-${Math.floor(i / (perNamespace - 1)) % namespaces}`
    const name = `o${i}`
    const labels = { app: name, tier: 'bench' }
    const value = i < changed ? 'changed' : 'v1'
    switch (i % 7) {
      case 0:
        out.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels }, data: { 'app.properties': `name=${name}\nversion=${value}\n`, mode: value } })
        break
      case 1:
        out.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns, labels }, type: 'Opaque', data: { password: Buffer.from(`secret-${name}`).toString('base64') } })
        break
      case 2:
        out.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns, labels } })
        break
      case 3:
        out.push({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns, labels }, spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } })
        break
      case 4:
        out.push({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name, namespace: ns, labels },
          spec: {
            replicas: 2,
            selector: { matchLabels: labels },
            template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'nginx:1.27', ports: [{ containerPort: 8080 }], env: [{ name: 'MODE', value: 'prod' }], resources: { requests: { cpu: '100m', memory: '64Mi' } } }] } },
          },
        })
        break
      case 5:
        out.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace: ns, labels }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }] })
        break
      default:
        out.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name, namespace: ns, labels }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name }, subjects: [{ kind: 'ServiceAccount', name, namespace: ns }] })
    }
  }
  return out
}
