// The public contract of @gitops-sdk/apiserver: what is not exported here does not exist.
export {}
