// The public contract of @gitops-sdk/secrets: what is not exported here does not exist.
export type { SopsErrorCode } from './errors.js'
export { SopsError } from './errors.js'
export type {
  AgeIdentity,
  AgeIdentityKind,
  AgeStanza,
  EncryptionRules,
  KeyGroup,
  KeyOptions,
  KeyProvider,
  MasterKeyEntry,
  SopsFormat,
} from './types.js'
export type { DecryptOptions } from './decrypt.js'
export { decrypt } from './decrypt.js'
export { formatForPath } from './formatForPath.js'
export type { ParseIdentitiesOptions } from './parseIdentities.js'
export { parseIdentities } from './parseIdentities.js'
