// The public contract of @gitops-sdk/render: what is not exported here does not exist.
export {}
