#!/usr/bin/env node
// Writes a kustomize tree whose build has about N objects, with other shapes than renderTree.mjs:
//   bases/svc-<i>/       many small bases: a Deployment (main container and a debug sidecar) and a
//                        Service, with a label; nothing else
//   groups/g-<j>/        a sub-base of 20 services: vars (an objref to its first Service, used in
//                        every Deployment's args as $(G<j>_UPSTREAM)), namePrefix-free, a label with
//                        selectors, and a strategic-merge patch by label selector whose `$patch:
//                        delete` removes the debug sidecar
//   components/c-<k>/    a chain of Components, each including the next (depth 8): annotations, a
//                        strategic-merge patch adding an env var to every Deployment, and, in the
//                        last, a `$patch: replace` of the resources of the main container
//   overlays/prod/       the root: every group, the first Component, a namespace, a ConfigMap of
//                        settings whose values `replacements` copy into every Deployment's env and
//                        every Service's annotation, and per-service patches: for every other
//                        service a strategic-merge patch by name with `$patch: delete` on an env
//                        item and `$patch: replace` on a label map, and for every 50th a
//                        `$patch: delete` of its whole Service
// Usage: node bench/shapesTree.mjs DIR N   (the root to build is DIR/overlays/prod)
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { runAsCommand, write } from './treeWriter.mjs'

const PER_GROUP = 20
const DEPTH = 8

function base(root, i, group) {
  const name = `svc-${i}`
  write(root, `bases/${name}/kustomization.yaml`, `resources:
- deployment.yaml
- service.yaml
labels:
- pairs:
    app.kubernetes.io/name: ${name}
`)
  write(root, `bases/${name}/deployment.yaml`, `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${(i % 3) + 1}
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
        tier: ${i % 2 === 0 ? 'web' : 'worker'}
    spec:
      containers:
      - name: main
        image: registry.example.com/${name}:1.${i % 10}.0
        args:
        - --upstream=$(G${group}_UPSTREAM)
        - --port=8080
        env:
        - name: REGION
          value: unset
        - name: LOG_LEVEL
          value: info
        - name: OBSOLETE
          value: "1"
        ports:
        - containerPort: 8080
          name: http
        resources:
          limits:
            cpu: 500m
            memory: 256Mi
          requests:
            cpu: 50m
            memory: 64Mi
      - name: debug
        image: busybox:1.36
        command:
        - sleep
        - infinity
`)
  write(root, `bases/${name}/service.yaml`, `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  ports:
  - name: http
    port: 80
    targetPort: http
  selector:
    app: ${name}
`)
}

function group(root, j, services) {
  const first = `svc-${services[0]}`
  write(root, `groups/g-${j}/kustomization.yaml`, `resources:
${services.map((i) => `- ../../bases/svc-${i}`).join('\n')}
labels:
- pairs:
    group: g-${j}
  includeSelectors: true
vars:
- name: G${j}_UPSTREAM
  objref:
    apiVersion: v1
    kind: Service
    name: ${first}
  fieldref:
    fieldpath: metadata.name
patches:
- target:
    kind: Deployment
    labelSelector: group=g-${j}
  patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: any
    spec:
      template:
        spec:
          containers:
          - name: debug
            $patch: delete
`)
}

function component(root, k) {
  const next = k + 1 < DEPTH ? `components:\n- ../c-${k + 1}\n` : ''
  const replace =
    k === DEPTH - 1
      ? `
          - name: main
            resources:
              $patch: replace
              limits:
                memory: 512Mi`
      : ''
  write(root, `components/c-${k}/kustomization.yaml`, `apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
${next}commonAnnotations:
  layer-${k}: c-${k}
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
          - name: main
            env:
            - name: LAYER_${k}
              value: "${k}"${replace}
`)
}

/** Writes the tree for about `n` objects into `root`; returns the directory to build. */
export function generateShapesTree(root, n) {
  rmSync(root, { recursive: true, force: true })
  const services = Math.max(PER_GROUP, Math.round(n / 2 / PER_GROUP) * PER_GROUP)
  const groups = services / PER_GROUP
  for (let j = 0; j < groups; j++) {
    const ids = Array.from({ length: PER_GROUP }, (_, k) => j * PER_GROUP + k)
    for (const i of ids) base(root, i, j)
    group(root, j, ids)
  }
  for (let k = 0; k < DEPTH; k++) component(root, k)
  const perService = []
  for (let i = 0; i < services; i += 2) {
    perService.push(`- target:
    kind: Deployment
    name: svc-${i}
  patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: svc-${i}
      labels:
        $patch: replace
        app.kubernetes.io/name: svc-${i}
        patched: "true"
    spec:
      template:
        spec:
          containers:
          - name: main
            env:
            - name: OBSOLETE
              $patch: delete
            - name: INDEX
              value: "${i}"`)
  }
  for (let i = 1; i < services; i += 50) {
    perService.push(`- patch: |-
    apiVersion: v1
    kind: Service
    metadata:
      name: svc-${i}
    $patch: delete`)
  }
  write(root, 'overlays/prod/settings.yaml', `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  region: eu-west-1
  owner: platform-team
`)
  write(root, 'overlays/prod/kustomization.yaml', `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: prod
resources:
- settings.yaml
${Array.from({ length: groups }, (_, j) => `- ../../groups/g-${j}`).join('\n')}
components:
- ../../components/c-0
replacements:
- source:
    kind: ConfigMap
    name: settings
    fieldPath: data.region
  targets:
  - select:
      kind: Deployment
    fieldPaths:
    - spec.template.spec.containers.[name=main].env.[name=REGION].value
- source:
    kind: ConfigMap
    name: settings
    fieldPath: data.owner
  targets:
  - select:
      kind: Service
    fieldPaths:
    - metadata.annotations.owner
    options:
      create: true
patches:
${perService.join('\n')}
`)
  return join(root, 'overlays/prod')
}

runAsCommand(import.meta.url, generateShapesTree)
