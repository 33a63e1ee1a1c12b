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
export type { DecryptObjectOptions } from './decryptObject.js'
export { decryptObject } from './decryptObject.js'
export type { DecryptManifestsOptions } from './decryptManifests.js'
export { DECRYPT_ANNOTATION, decryptManifests } from './decryptManifests.js'
export type { DecryptedObjects, DecryptionIntegrity, DecryptRenderedOptions } from './decryptRendered.js'
export { decryptRendered } from './decryptRendered.js'
export type { DecryptFileOptions } from './decryptFile.js'
export { DEFAULT_MAX_FILE_SIZE, decryptFile } from './decryptFile.js'
export type { DecryptGeneratorInputsOptions } from './decryptGeneratorInputs.js'
export { decryptGeneratorInputs } from './decryptGeneratorInputs.js'
export type { EncryptOptions } from './encrypt.js'
export { encrypt } from './encrypt.js'
export type { RotateOptions } from './rotate.js'
export { rotate } from './rotate.js'
export type { UpdateKeysOptions } from './updateKeys.js'
export { updateKeys } from './updateKeys.js'
export { formatForPath } from './formatForPath.js'
export type { ParseIdentitiesOptions } from './parseIdentities.js'
export { parseIdentities } from './parseIdentities.js'
export type { LoadIdentitiesOptions } from './loadIdentitiesFromEnv.js'
export { loadIdentitiesFromEnv } from './loadIdentitiesFromEnv.js'
export type { PgpKeyProviderOptions } from './createPgpKeyProvider.js'
export { createPgpKeyProvider } from './createPgpKeyProvider.js'
export type { GeneratedIdentity } from './generateIdentity.js'
export { generateIdentity } from './generateIdentity.js'
export type { CreationRule, LoadCreationRuleOptions } from './loadCreationRule.js'
export { loadCreationRule } from './loadCreationRule.js'
export type { ReadKeyGroupsOptions } from './readKeyGroups.js'
export { readKeyGroups } from './readKeyGroups.js'
