#!/usr/bin/env node
// Writes a kustomize tree whose build has about N objects, for the render benchmark:
//   bases/app-<i>/     one app: Deployment, Service, ServiceAccount, RoleBinding, HPA, a Widget
//                      (custom resource), a configMapGenerator and a secretGenerator (hash
//                      suffixes, referenced from the Deployment and the Widget), an SM patch
//   groups/g-<j>/      a sub-base of 25 apps: namePrefix, labels with selectors, annotations,
//                      `configurations` for the Widget CRD, JSON 6902 patches by label selector
//                      and by regex name
//   components/monitoring/  a Component: labels and a sidecar added to every Deployment
//   overlays/prod/     the tree's root: every group, the component, namespace, namePrefix,
//                      labels, images, replicas, SM patches by name regex and by label
//                      selector, a JSON 6902 patch, a secretGenerator, the Widget CRD, and
//                      per-app patches (a strategic merge patch by id for every other app,
//                      half of them through patchesStrategicMerge, a JSON 6902 patch by name
//                      for every fourth): the large-overlay case where kustomize's cost per
//                      patch grows with the number of objects
// Usage: node bench/renderTree.mjs DIR N   (the root to build is DIR/overlays/prod)
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { runAsCommand, write } from './treeWriter.mjs'

const APP_OBJECTS = 8
const APPS_PER_GROUP = 25

const widgetConfig = `nameReference:
- kind: ConfigMap
  version: v1
  fieldSpecs:
  - kind: Widget
    path: spec/configRef/name
- kind: Deployment
  fieldSpecs:
  - kind: Widget
    path: spec/deploymentRef/name
commonLabels:
- kind: Widget
  path: spec/selector/matchLabels
  create: true
`

function app(root, i) {
  const name = `app-${i}`
  const tier = i % 3 === 0 ? 'frontend' : 'backend'
  const dir = `bases/${name}`
  write(root, `${dir}/kustomization.yaml`, `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- deployment.yaml
- service.yaml
- serviceaccount.yaml
- rolebinding.yaml
- hpa.yaml
- widget.yaml
configMapGenerator:
- name: ${name}-config
  literals:
  - LOG_LEVEL=info
  - APP_INDEX=${i}
  - FEATURE_${i % 7}=on
secretGenerator:
- name: ${name}-secret
  literals:
  - password=s3cr3t-${i}
patches:
- path: resources.yaml
`)
  write(root, `${dir}/deployment.yaml`, `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels:
    app: ${name}
    tier: ${tier}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
        tier: ${tier}
    spec:
      serviceAccountName: ${name}
      containers:
      - name: main
        image: nginx:1.21
        ports:
        - containerPort: 8080
          protocol: TCP
        envFrom:
        - configMapRef:
            name: ${name}-config
        env:
        - name: PASSWORD
          valueFrom:
            secretKeyRef:
              name: ${name}-secret
              key: password
        volumeMounts:
        - name: config
          mountPath: /etc/app
      volumes:
      - name: config
        configMap:
          name: ${name}-config
`)
  write(root, `${dir}/service.yaml`, `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  labels:
    app: ${name}
spec:
  selector:
    app: ${name}
  ports:
  - port: 80
    targetPort: 8080
`)
  write(root, `${dir}/serviceaccount.yaml`, `apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${name}
`)
  write(root, `${dir}/rolebinding.yaml`, `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: ${name}-view
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: view
subjects:
- kind: ServiceAccount
  name: ${name}
`)
  write(root, `${dir}/hpa.yaml`, `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: ${name}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: ${name}
  minReplicas: 1
  maxReplicas: 5
`)
  write(root, `${dir}/widget.yaml`, `apiVersion: example.com/v1
kind: Widget
metadata:
  name: ${name}
spec:
  configRef:
    name: ${name}-config
  deploymentRef:
    name: ${name}
  size: ${i % 5}
`)
  write(root, `${dir}/resources.yaml`, `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  template:
    spec:
      containers:
      - name: main
        resources:
          limits:
            cpu: 500m
            memory: 256Mi
`)
}

function group(root, j, apps) {
  const dir = `groups/g-${j}`
  write(root, `${dir}/widget-config.yaml`, widgetConfig)
  write(root, `${dir}/kustomization.yaml`, `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namePrefix: g${j}-
resources:
${apps.map((i) => `- ../../bases/app-${i}`).join('\n')}
configurations:
- widget-config.yaml
labels:
- pairs:
    group: g-${j}
  includeSelectors: true
commonAnnotations:
  owner: team-${j % 4}
patches:
- target:
    kind: Deployment
    labelSelector: tier=backend
  patch: |-
    - op: add
      path: /spec/template/metadata/annotations
      value:
        backend: "true"
- target:
    kind: Service
    name: g${j}-app-.*
  patch: |-
    - op: replace
      path: /spec/ports/0/port
      value: 8080
`)
}

/** Writes the tree for about `n` objects under `root` and returns the directory to build. */
export function generateTree(root, n) {
  rmSync(root, { recursive: true, force: true })
  const apps = Math.max(1, Math.round(n / APP_OBJECTS))
  const groups = Math.ceil(apps / APPS_PER_GROUP)
  for (let i = 0; i < apps; i++) app(root, i)
  for (let j = 0; j < groups; j++) {
    const members = []
    for (let i = j * APPS_PER_GROUP; i < Math.min(apps, (j + 1) * APPS_PER_GROUP); i++) members.push(i)
    group(root, j, members)
  }
  write(root, 'components/monitoring/kustomization.yaml', `apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
labels:
- pairs:
    monitored: "true"
patches:
- target:
    kind: Deployment
  patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: any
    spec:
      template:
        spec:
          containers:
          - name: exporter
            image: prom/exporter:v1
            ports:
            - containerPort: 9100
`)
  const perApp = []
  const perAppSm = []
  for (let i = 0; i < apps; i++) {
    const name = `g${Math.floor(i / APPS_PER_GROUP)}-app-${i}`
    if (i % 2 === 0) {
      write(root, `overlays/prod/patches/${name}.yaml`, `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  template:
    spec:
      containers:
      - name: main
        env:
        - name: SHARD
          value: "${i % 16}"
`)
      ;(i % 4 === 0 ? perAppSm : perApp).push(i % 4 === 0 ? `- patches/${name}.yaml` : `- path: patches/${name}.yaml`)
    }
    if (i % 4 === 1) {
      perApp.push(`- target:
    kind: Service
    name: ${name}
  patch: |-
    - op: add
      path: /metadata/annotations/shard
      value: "${i % 16}"`)
    }
  }
  write(root, 'overlays/prod/widget-config.yaml', widgetConfig)
  write(root, 'overlays/prod/crd.yaml', `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names:
    kind: Widget
    plural: widgets
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
`)
  write(root, 'overlays/prod/kustomization.yaml', `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: prod
namePrefix: prod-
resources:
- crd.yaml
${Array.from({ length: groups }, (_, j) => `- ../../groups/g-${j}`).join('\n')}
components:
- ../../components/monitoring
configurations:
- widget-config.yaml
labels:
- pairs:
    env: prod
  includeSelectors: true
images:
- name: nginx
  newTag: "1.25"
- name: prom/exporter
  newName: registry.example.com/exporter
replicas:
- name: g0-app-0
  count: 3
secretGenerator:
- name: prod-tls
  literals:
  - tls.key=not-a-key
patches:
- target:
    kind: Deployment
    name: g.*-app-1.*
  patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: any
    spec:
      template:
        spec:
          containers:
          - name: main
            env:
            - name: HEAVY
              value: "true"
- target:
    kind: Widget
    labelSelector: tier notin (frontend)
  patch: |-
    - op: add
      path: /spec/tier
      value: other
- target:
    group: autoscaling
    kind: HorizontalPodAutoscaler
  patch: |-
    apiVersion: autoscaling/v2
    kind: HorizontalPodAutoscaler
    metadata:
      name: any
    spec:
      maxReplicas: 10
${perApp.join('\n')}
${perAppSm.length === 0 ? '' : `patchesStrategicMerge:\n${perAppSm.join('\n')}\n`}`)
  return join(root, 'overlays/prod')
}

runAsCommand(import.meta.url, generateTree)
