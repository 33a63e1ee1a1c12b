// The objects of one app of a random kustomize tree (see randomTree.ts): a workload of a random
// kind and the ConfigMap, Secret, ServiceAccount and claim it refers to, with tricky scalars.

/** Seeded choices. */
export class Gen {
  constructor(private readonly r: () => number) {}
  int(n: number): number {
    return Math.floor(this.r() * n)
  }
  chance(p: number): boolean {
    return this.r() < p
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T
  }
  some<T>(xs: readonly T[], max: number = xs.length): T[] {
    return xs.filter(() => this.chance(0.5)).slice(0, max)
  }
}

/** Scalars that YAML 1.1 and 1.2 read differently or that need quoting. */
export const TRICKY: readonly string[] = ['yes', 'no', 'on', '1.0', '007', '0x1F', 'true', 'null', '~', '', 'a: b', '- x', '#x', 'multi\nline\n', 'é', '1e3', '12:30', "it's", '"q"']

export function quote(s: string): string {
  return JSON.stringify(s)
}

/** One app of a tree: a workload and the names of what it refers to. */
export interface App {
  readonly name: string
  readonly cm: string
  readonly secret: string
  readonly sa: string
  readonly pvc: string
  readonly kind: 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'CronJob'
}

function podSpec(g: Gen, app: App, indent: string): string {
  const env = g
    .some(TRICKY, 3)
    .map((v, i) => `${indent}    - name: V${i}\n${indent}      value: ${quote(v)}`)
    .join('\n')
  const lines = [
    `${indent}serviceAccountName: ${app.sa}`,
    `${indent}containers:`,
    `${indent}- name: main`,
    `${indent}  image: ${g.pick(['nginx', 'nginx:1.21', 'docker.io/library/nginx:1.21', 'busybox@sha256:abc123', 'example.com/team/app:v2'])}`,
    `${indent}  ports:`,
    `${indent}  - containerPort: 8080`,
    ...(g.chance(0.5) ? [`${indent}  - containerPort: 9090`, `${indent}    protocol: UDP`] : []),
    `${indent}  envFrom:`,
    `${indent}  - configMapRef:`,
    `${indent}      name: ${app.cm}`,
    `${indent}  env:`,
    `${indent}  - name: SECRET`,
    `${indent}    valueFrom:`,
    `${indent}      secretKeyRef:`,
    `${indent}        name: ${app.secret}`,
    `${indent}        key: password`,
    ...(env === '' ? [] : [env.replaceAll(`${indent}    - `, `${indent}  - `).replaceAll(`${indent}      value`, `${indent}    value`)]),
    `${indent}  volumeMounts:`,
    `${indent}  - name: data`,
    `${indent}    mountPath: /data`,
  ]
  if (g.chance(0.4)) lines.push(`${indent}- name: sidecar`, `${indent}  image: busybox`, `${indent}  args: ["sleep", "$(POD_NAME)"]`)
  lines.push(`${indent}volumes:`, `${indent}- name: data`)
  lines.push(
    app.kind === 'StatefulSet' || g.chance(0.3)
      ? `${indent}  persistentVolumeClaim:\n${indent}    claimName: ${app.pvc}`
      : `${indent}  configMap:\n${indent}    name: ${app.cm}`,
  )
  return lines.join('\n')
}

function workload(g: Gen, app: App): string {
  const labels = `app: ${app.name}${g.chance(0.5) ? `\n    tier: ${g.pick(['web', 'db', 'cache'])}` : ''}`
  if (app.kind === 'CronJob') {
    return `apiVersion: batch/v1
kind: CronJob
metadata:
  name: ${app.name}
  labels:
    ${labels}
spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
${podSpec(g, app, '          ')}
          restartPolicy: OnFailure
`
  }
  return `apiVersion: apps/v1
kind: ${app.kind}
metadata:
  name: ${app.name}
  labels:
    ${labels}${g.chance(0.3) ? `\n  annotations:\n    note: ${quote(g.pick(TRICKY))}` : ''}
spec:
${app.kind === 'DaemonSet' ? '' : `  replicas: ${g.int(4)}\n`}  selector:
    matchLabels:
      app: ${app.name}
${app.kind === 'StatefulSet' ? `  serviceName: ${app.name}\n` : ''}  template:
    metadata:
      labels:
        app: ${app.name}
    spec:
${podSpec(g, app, '      ')}
`
}

export function appObjects(g: Gen, app: App): Record<string, string> {
  const files: Record<string, string> = {}
  files[`${app.name}.yaml`] = [
    workload(g, app),
    `apiVersion: v1
kind: Service
metadata:
  name: ${app.name}
spec:
  selector:
    app: ${app.name}
  ports:
  - port: 80
    targetPort: 8080
`,
    `apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${app.sa}
`,
    `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: ${app.pvc}
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
`,
    `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: ${app.name}-rb
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: ${app.name}-role
subjects:
- kind: ServiceAccount
  name: ${app.sa}
`,
    `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: ${app.name}-role
rules:
- apiGroups: [""]
  resources: [configmaps]
  resourceNames: [${app.cm}]
  verbs: [get]
`,
    ...(g.chance(0.5)
      ? [
          `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${app.name}
spec:
  rules:
  - host: ${app.name}.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: ${app.name}
            port:
              number: 80
`,
        ]
      : []),
    ...(g.chance(0.4) && app.kind !== 'CronJob' && app.kind !== 'DaemonSet'
      ? [
          `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: ${app.name}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: ${app.kind}
    name: ${app.name}
  maxReplicas: 5
`,
        ]
      : []),
  ].join('---\n')
  return files
}
