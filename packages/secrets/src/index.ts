// The public contract of @gitops-sdk/secrets: what is not exported here does not exist.
export {}
