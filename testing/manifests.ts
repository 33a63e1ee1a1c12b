// Manifests the end-to-end suites of several packages commit to their test repositories.

/** The Deployment `web` (one replica of nginx:1.27) in `namespace`, as YAML. */
export function webDeploymentYaml(namespace: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${namespace}
spec:
  replicas: 1
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: nginx:1.27
`
}
