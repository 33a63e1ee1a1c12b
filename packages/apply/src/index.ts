// The public contract of @gitops-sdk/apply: what is not exported here does not exist.
export {}
