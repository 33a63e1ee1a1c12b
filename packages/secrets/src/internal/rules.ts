// Which values sops encrypts (FORMAT.md §5, sops.go `shouldBeEncrypted`).
import type { GoRegexp } from '@gitops-sdk/core/go'
import { compileGoRegexp } from '@gitops-sdk/core/go'
import { SopsError } from '../errors.js'
import type { EncryptionRules } from '../types.js'

/** The encryption rule of a file; sops allows at most one of the six selectors. */
export type RuleSet = EncryptionRules

export const RULE_FIELDS = [
  ['unencryptedSuffix', 'unencrypted_suffix'],
  ['encryptedSuffix', 'encrypted_suffix'],
  ['unencryptedRegex', 'unencrypted_regex'],
  ['encryptedRegex', 'encrypted_regex'],
  ['unencryptedCommentRegex', 'unencrypted_comment_regex'],
  ['encryptedCommentRegex', 'encrypted_comment_regex'],
] as const

export interface CompiledRules {
  readonly unencryptedSuffix?: string | undefined
  readonly encryptedSuffix?: string | undefined
  readonly unencryptedRegex?: GoRegexp | undefined
  readonly encryptedRegex?: GoRegexp | undefined
  readonly unencryptedCommentRegex?: GoRegexp | undefined
  readonly encryptedCommentRegex?: GoRegexp | undefined
}

/**
 * Compiles a Go RE2 pattern for an unanchored search, as sops does with Go's regexp: Go's syntax,
 * time linear in the input (core's compileGoRegexp).
 */
export function compileRe2(pattern: string, subject: string): GoRegexp {
  try {
    return compileGoRegexp(pattern)
  } catch (cause) {
    throw new SopsError({
      code: 'SOPS_METADATA_INVALID',
      message: `${subject}: invalid regular expression ${JSON.stringify(pattern)}`,
      details: { subject, pattern },
      cause,
    })
  }
}

/** Checks that at most one rule is set and compiles its regular expression. */
export function compileRules(rules: RuleSet, subject: string): CompiledRules {
  const set = RULE_FIELDS.filter(([field]) => rules[field] !== undefined && rules[field] !== '')
  if (set.length > 1) {
    throw new SopsError({
      code: 'SOPS_METADATA_INVALID',
      message: `${subject}: more than one encryption rule is set (${set.map(([, key]) => key).join(', ')}); sops allows one`,
      details: { subject, rules: set.map(([, key]) => key) },
    })
  }
  const [first] = set
  if (first === undefined) return { unencryptedSuffix: '_unencrypted' }
  const [field] = first
  const value = rules[field] ?? ''
  return field === 'unencryptedSuffix' || field === 'encryptedSuffix'
    ? { [field]: value }
    : { [field]: compileRe2(value, subject) }
}

/** sops `shouldBeEncrypted`: `path` is the keys down to the value, `comments` the comment stack. */
export function shouldBeEncrypted(
  rules: CompiledRules,
  path: readonly string[],
  comments: { readonly stack: readonly (readonly string[])[]; readonly isComment: boolean },
): boolean {
  if (rules.unencryptedSuffix !== undefined) {
    const suffix = rules.unencryptedSuffix
    return !path.some((p) => p.endsWith(suffix))
  }
  if (rules.encryptedSuffix !== undefined) {
    const suffix = rules.encryptedSuffix
    return path.some((p) => p.endsWith(suffix))
  }
  if (rules.unencryptedRegex !== undefined) {
    const re = rules.unencryptedRegex
    return !path.some((p) => re.test(p))
  }
  if (rules.encryptedRegex !== undefined) {
    const re = rules.encryptedRegex
    return path.some((p) => re.test(p))
  }
  const { stack, isComment } = comments
  if (rules.unencryptedCommentRegex !== undefined) {
    const re = rules.unencryptedCommentRegex
    return !stack.some((cs) => cs.some((c) => re.test(c)))
  }
  if (rules.encryptedCommentRegex !== undefined) {
    const re = rules.encryptedCommentRegex
    const last = stack.length - 1
    return stack.some((cs, i) =>
      cs.some((c, j) => !(isComment && i === last && j === cs.length - 1) && re.test(c)),
    )
  }
  return true
}
