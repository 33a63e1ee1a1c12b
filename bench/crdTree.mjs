#!/usr/bin/env node
// Writes a kustomization whose build is about 5 MB of YAML shaped like kube-prometheus's manifests,
// the largest real outputs users build: about 130 objects, of which a few dozen CustomResourceDefinitions
// with large OpenAPI v3 schemas as controller-gen writes them (descriptions as long plain scalars
// folded over several lines, single-quoted ones with '' escapes, `|-` block scalars of several
// paragraphs, patterns, enums, int-or-string, x-kubernetes-* markers), ConfigMaps holding Grafana
// dashboards (large JSON in literal blocks), PrometheusRules with `|` expressions, and the usual
// Deployments, Services, ServiceMonitors and RBAC. Deterministic for a given size.
// Usage: node bench/crdTree.mjs DIR [MB]   (the root to build is DIR; default 5 MB)
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const WORDS = (
  'the of to and a in is it that for be as with on by this are from or an at which not resource field ' +
  'prometheus alertmanager selector label namespace configuration endpoint secret key value must when ' +
  'default specifies used will if should can cluster object pod container volume reference scrape target ' +
  'rule relabeling metric timeout interval duration operator version kubernetes service monitor only one ' +
  'more information see documentation deprecated instead set name path port protocol scheme tls ca cert'
).split(' ')
const FIELDS = (
  'additionalArgs affinity alerting annotations apiVersion arbitraryFSAccessThroughSMs authorization ' +
  'basicAuth bearerTokenSecret configMaps containers dnsConfig dnsPolicy enableFeatures enforcedBodySizeLimit ' +
  'evaluationInterval excludedFromEnforcement externalLabels externalUrl hostAliases hostNetwork image ' +
  'imagePullPolicy imagePullSecrets initContainers listenLocal logFormat logLevel minReadySeconds nodeSelector ' +
  'oauth2 paused podMetadata podMonitorSelector portName priorityClassName probeSelector proxyUrl queryLogFile ' +
  'remoteRead remoteWrite replicaExternalLabelName replicas resources retention routePrefix ruleSelector ' +
  'scrapeInterval scrapeTimeout secrets securityContext serviceAccountName shards storage tolerations ' +
  'topologySpreadConstraints tracingConfig tsdb version volumeMounts volumes walCompression web'
).split(' ')

function rng(seed) {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0
    return s
  }
}

/** A sentence of `n` words, capitalized, with a period. */
function sentence(rnd, n) {
  const ws = Array.from({ length: n }, () => WORDS[rnd() % WORDS.length])
  ws[0] = ws[0][0].toUpperCase() + ws[0].slice(1)
  return `${ws.join(' ')}.`
}

/** `text` folded into lines of at most 80 columns after `first` characters, continued at `indent`. */
function fold(text, first, indent) {
  const out = []
  let line = ''
  let width = 80 - first
  for (const w of text.split(' ')) {
    if (line !== '' && line.length + 1 + w.length > width) {
      out.push(line)
      line = w
      width = 80 - indent
    } else line = line === '' ? w : `${line} ${w}`
  }
  out.push(line)
  return out.join(`\n${' '.repeat(indent)}`)
}

/** A `description:` entry at `pad` in one of the forms controller-gen writes. */
function description(rnd, pad) {
  const indent = pad.length
  const form = rnd() % 6
  if (form === 0) return `${pad}description: ${sentence(rnd, 4 + (rnd() % 6))}\n`
  if (form <= 2) {
    // A long plain scalar folded over several lines, as go-yaml v2 writes it.
    const text = Array.from({ length: 2 + (rnd() % 4) }, () => sentence(rnd, 8 + (rnd() % 12))).join(' ')
    return `${pad}description: ${fold(text, indent + 13, indent + 2)}\n`
  }
  if (form === 3) {
    // Single-quoted (it holds ': ' and an apostrophe), also folded.
    const text = `${sentence(rnd, 6)} Standard object''s metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#${WORDS[rnd() % WORDS.length]} ${sentence(rnd, 10)}`
    return `${pad}description: '${fold(text, indent + 14, indent + 2)}'\n`
  }
  // A `|-` block of paragraphs, some lines indented, as newer controller-gen writes.
  const paras = Array.from({ length: 2 + (rnd() % 3) }, () => sentence(rnd, 10 + (rnd() % 20)))
  const body = paras.flatMap((p, i) => (i === 0 ? [p] : ['', i % 2 === 0 ? `  ${p}` : p]))
  if (rnd() % 3 === 0) body.push('', 'Example: `{"key": "value", "ports": [80, 443]}` # not a comment')
  return `${pad}description: |-\n${body.map((l) => (l === '' ? '' : `${pad}  ${l}`)).join('\n')}\n`
}

/** A schema property named `name` at `pad`, nested to `depth`. */
function property(rnd, name, { pad, depth, budget }) {
  let s = `${pad}${name}:\n`
  const inner = `${pad}  `
  const kind = depth <= 0 || budget.left <= 0 ? 4 + (rnd() % 6) : rnd() % 10
  budget.left--
  s += description(rnd, inner)
  if (kind <= 2) {
    s += `${inner}properties:\n`
    const n = 2 + (rnd() % 6)
    const names = new Set()
    for (let i = 0; i < n; i++) names.add(FIELDS[rnd() % FIELDS.length])
    for (const child of [...names].sort()) s += property(rnd, child, { pad: `${inner}  `, depth: depth - 1, budget })
    if (kind === 1) s += `${inner}required:\n${[...names].slice(0, 2).map((x) => `${inner}- ${x}\n`).join('')}`
    s += `${inner}type: object\n`
    if (kind === 2) s += `${inner}x-kubernetes-map-type: atomic\n`
  } else if (kind === 3) {
    s += `${inner}items:\n`
    s += `${inner}  properties:\n`
    const names = [...new Set(Array.from({ length: 2 + (rnd() % 4) }, () => FIELDS[rnd() % FIELDS.length]))].sort()
    for (const child of names) s += property(rnd, child, { pad: `${inner}    `, depth: depth - 1, budget })
    s += `${inner}  required:\n${inner}  - ${names[0]}\n${inner}  type: object\n`
    s += `${inner}type: array\n`
    if (rnd() % 2 === 0) s += `${inner}x-kubernetes-list-map-keys:\n${inner}- ${names[0]}\n${inner}x-kubernetes-list-type: map\n`
  } else if (kind === 4) {
    s += `${inner}anyOf:\n${inner}- type: integer\n${inner}- type: string\n`
    s += `${inner}pattern: ^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$\n`
    s += `${inner}x-kubernetes-int-or-string: true\n`
  } else if (kind === 5) {
    s += `${inner}enum:\n${inner}- ""\n${inner}- logfmt\n${inner}- json\n${inner}type: string\n`
  } else if (kind === 6) {
    s += `${inner}format: int32\n${inner}maximum: 65535\n${inner}minimum: 1\n${inner}type: integer\n`
  } else if (kind === 7) {
    s += `${inner}additionalProperties:\n${inner}  type: string\n${inner}type: object\n`
  } else if (kind === 8) {
    s += `${inner}default: false\n${inner}type: boolean\n`
  } else {
    s += `${inner}pattern: ^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$\n${inner}type: string\n`
  }
  return s
}

function crd(rnd, [kind, plural], bytes) {
  const group = 'monitoring.coreos.com'
  let spec = ''
  const budget = { left: Infinity }
  while (spec.length < bytes) spec += property(rnd, FIELDS[rnd() % FIELDS.length] + spec.length, { pad: '                ', depth: 5, budget })
  return `---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  annotations:
    controller-gen.kubebuilder.io/version: v0.16.1
    operator.prometheus.io/version: 0.79.0
  name: ${plural}.${group}
spec:
  group: ${group}
  names:
    categories:
    - prometheus-operator
    kind: ${kind}
    listKind: ${kind}List
    plural: ${plural}
    shortNames:
    - ${plural.slice(0, 4)}
    singular: ${kind.toLowerCase()}
  scope: Namespaced
  versions:
  - additionalPrinterColumns:
    - description: The version of ${kind}
      jsonPath: .spec.version
      name: Version
      type: string
    - description: The number of desired replicas
      jsonPath: .spec.replicas
      name: Replicas
      type: integer
    - jsonPath: .metadata.creationTimestamp
      name: Age
      type: date
    name: v1
    schema:
      openAPIV3Schema:
        description: ${kind} defines a ${kind} deployment.
        properties:
          apiVersion:
            description: |-
              APIVersion defines the versioned schema of this representation of an object.
              Servers should convert recognized schemas to the latest internal value, and
              may reject unrecognized values.
              More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources
            type: string
          kind:
            description: |-
              Kind is a string value representing the REST resource this object represents.
              Servers may infer this from the endpoint the client submits requests to.
              Cannot be updated.
              In CamelCase.
              More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds
            type: string
          metadata:
            type: object
          spec:
            description: 'Specification of the desired behavior of the ${kind}. More info: https://github.com/kubernetes/community/blob/master/contributors/devel/sig-architecture/api-conventions.md#spec-and-status'
            properties:
${spec}            type: object
        required:
        - spec
        type: object
    served: true
    storage: true
    subresources:
      status: {}
`
}

function dashboards(rnd, name, bytes) {
  let json = '{\n    "panels": [\n'
  let i = 0
  while (json.length < bytes) {
    json += `        {\n            "datasource": "$datasource",\n            "description": "${sentence(rnd, 12)}",\n            "id": ${i++},\n            "targets": [\n                {\n                    "expr": "sum(rate(container_cpu_usage_seconds_total{job=\\"kubelet\\", namespace=\\"$namespace\\"}[$__rate_interval])) by (pod)",\n                    "legendFormat": "{{pod}}",\n                    "refId": "A"\n                }\n            ],\n            "title": "${WORDS[rnd() % WORDS.length]} ${i}",\n            "type": "timeseries"\n        },\n`
  }
  json += '        {}\n    ],\n    "title": "' + name + '",\n    "uid": "' + (rnd() % 1e9).toString(16) + '"\n}'
  return `apiVersion: v1
data:
  ${name}.json: |-
${json.split('\n').map((l) => `    ${l}`).join('\n')}
kind: ConfigMap
metadata:
  labels:
    app.kubernetes.io/component: grafana
    app.kubernetes.io/name: grafana
    app.kubernetes.io/part-of: kube-prometheus
    app.kubernetes.io/version: 11.2.0
  name: grafana-dashboard-${name}
  namespace: monitoring
`
}

function rules(rnd, name, groups) {
  let s = `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  labels:
    app.kubernetes.io/name: ${name}
    app.kubernetes.io/part-of: kube-prometheus
    prometheus: k8s
    role: alert-rules
  name: ${name}-rules
  namespace: monitoring
spec:
  groups:
`
  for (let g = 0; g < groups; g++) {
    s += `  - name: ${name}.rules.${g}\n    rules:\n`
    for (let r = 0; r < 6; r++) {
      s += `    - alert: ${name[0].toUpperCase()}${name.slice(1)}Alert${g}x${r}
      annotations:
        description: ${sentence(rnd, 14)} {{ $labels.namespace }}/{{ $labels.pod }} ({{ $labels.container }}).
        runbook_url: https://runbooks.prometheus-operator.dev/runbooks/${name}/alert${g}x${r}
        summary: ${sentence(rnd, 6)}
      expr: |
        max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff", job="kube-state-metrics"}[5m]) >= 1
        and on (namespace, pod) (sum by (namespace, pod) (rate(container_cpu_usage_seconds_total[5m])) > ${r}.5)
      for: ${5 * (r + 1)}m
      labels:
        severity: ${r % 2 === 0 ? 'warning' : 'critical'}
`
    }
  }
  return s
}

function workload(i) {
  const name = `component-${i}`
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    app.kubernetes.io/component: exporter
    app.kubernetes.io/name: ${name}
    app.kubernetes.io/part-of: kube-prometheus
    app.kubernetes.io/version: 2.13.0
  name: ${name}
  namespace: monitoring
spec:
  replicas: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  template:
    metadata:
      annotations:
        kubectl.kubernetes.io/default-container: ${name}
      labels:
        app.kubernetes.io/name: ${name}
    spec:
      automountServiceAccountToken: true
      containers:
      - args:
        - --host=127.0.0.1
        - --port=8081
        - --telemetry-host=127.0.0.1
        - --telemetry-port=8082
        image: registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.13.0
        name: ${name}
        resources:
          limits:
            cpu: 100m
            memory: 250Mi
          requests:
            cpu: 10m
            memory: 190Mi
        securityContext:
          allowPrivilegeEscalation: false
          capabilities:
            drop:
            - ALL
          readOnlyRootFilesystem: true
          runAsNonRoot: true
          runAsUser: 65534
          seccompProfile:
            type: RuntimeDefault
      nodeSelector:
        kubernetes.io/os: linux
      serviceAccountName: ${name}
---
apiVersion: v1
kind: Service
metadata:
  labels:
    app.kubernetes.io/name: ${name}
  name: ${name}
  namespace: monitoring
spec:
  clusterIP: None
  ports:
  - name: https-main
    port: 8443
    targetPort: https-main
  selector:
    app.kubernetes.io/name: ${name}
---
apiVersion: v1
automountServiceAccountToken: false
kind: ServiceAccount
metadata:
  labels:
    app.kubernetes.io/name: ${name}
  name: ${name}
  namespace: monitoring
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  labels:
    app.kubernetes.io/name: ${name}
  name: ${name}
  namespace: monitoring
spec:
  endpoints:
  - bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token
    honorLabels: true
    interval: 30s
    metricRelabelings:
    - action: drop
      regex: kube_(endpoint_(address_not_ready|address_available|ports))
      sourceLabels:
      - __name__
    port: https-main
    relabelings:
    - action: labeldrop
      regex: (pod|service|endpoint|namespace)
    scheme: https
    scrapeTimeout: 30s
    tlsConfig:
      insecureSkipVerify: true
  jobLabel: app.kubernetes.io/name
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
`
}

const CRDS = [
  ['Prometheus', 'prometheuses', 900],
  ['Alertmanager', 'alertmanagers', 700],
  ['ThanosRuler', 'thanosrulers', 600],
  ['PrometheusAgent', 'prometheusagents', 700],
  ['AlertmanagerConfig', 'alertmanagerconfigs', 450],
  ['ScrapeConfig', 'scrapeconfigs', 400],
  ['PodMonitor', 'podmonitors', 60],
  ['Probe', 'probes', 60],
  ['ServiceMonitor', 'servicemonitors', 60],
  ['PrometheusRule', 'prometheusrules', 20],
]

/** Writes the tree for about `mb` megabytes of output into `root`; returns `root`. */
export function generateCrdTree(root, mb = 5) {
  rmSync(root, { recursive: true, force: true })
  mkdirSync(join(root, 'setup'), { recursive: true })
  const rnd = rng(20261206)
  const scale = mb / 5
  const files = []
  const put = (path, text) => {
    writeFileSync(join(root, path), text)
    files.push(path)
  }
  for (const [kind, plural, kb] of CRDS) put(`setup/0${plural}CustomResourceDefinition.yaml`, crd(rnd, [kind, plural], kb * 1024 * scale))
  put('setup/namespace.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: monitoring\n')
  for (let i = 0; i < 12; i++) put(`grafanaDashboard${i}.yaml`, dashboards(rnd, `dashboard-${i}`, 50 * 1024 * scale))
  for (let i = 0; i < 12; i++) put(`rules${i}PrometheusRule.yaml`, rules(rnd, `component${i}`, 4))
  for (let i = 0; i < 24; i++) put(`component${i}.yaml`, workload(i))
  writeFileSync(
    join(root, 'kustomization.yaml'),
    `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${files.map((f) => `- ./${f}\n`).join('')}`,
  )
  return root
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [dir, mb] = process.argv.slice(2)
  if (dir === undefined) {
    console.error('usage: node bench/crdTree.mjs DIR [MB]')
    process.exit(2)
  }
  generateCrdTree(dir, mb === undefined ? 5 : Number(mb))
}
