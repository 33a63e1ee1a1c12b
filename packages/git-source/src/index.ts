// The public contract of @gitops-sdk/git-source: what is not exported here does not exist.
export {}
