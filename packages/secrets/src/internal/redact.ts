// How errors name a string that was given as a recipient (or an identity) and was refused: a
// private key pasted in the wrong place must not reach a message, `details` or a cause.

/** Whether the string could be, or contain, secret key material. */
function looksSecret(text: string): boolean {
  return /PRIVATE KEY|AGE-SECRET-KEY-|AGE-PLUGIN-/i.test(text)
}

/**
 * Whether an error may quote the string: an age (`age1…`) or SSH (`ssh-…`) public key form with
 * nothing in it that looks like a private key. Anything else is not a recipient at all.
 */
export function isRecipientForm(text: string): boolean {
  return (text.startsWith('age1') || text.startsWith('ssh-')) && !looksSecret(text)
}

/**
 * A name for a string that is not to be quoted: its kind and length, or (when it is of no
 * recognisable kind) its first 4 characters and length.
 */
export function describeKeyText(text: string): string {
  const size = `${text.length} character${text.length === 1 ? '' : 's'}`
  if (text === '') return '(an empty string)'
  if (/PRIVATE KEY/i.test(text)) return `(a private key, ${size})`
  if (/AGE-SECRET-KEY-/i.test(text)) return `(an age secret key, ${size})`
  if (/AGE-PLUGIN-/i.test(text)) return `(an age plugin identity, ${size})`
  return `(${JSON.stringify(text.slice(0, 4))}${text.length > 4 ? '…' : ''}, ${size})`
}

/** The string itself when an error may quote it (see {@link isRecipientForm}), else {@link describeKeyText}. */
export function recipientForMessage(text: string): string {
  return isRecipientForm(text) ? text : describeKeyText(text)
}
