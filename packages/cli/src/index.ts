// The public contract of @gitops-sdk/cli: what is not exported here does not exist.
export {}
