// The string rules of apimachinery's util/validation as Kubernetes 1.32 words them (IsDNS1123Label,
// IsDNS1123Subdomain, IsDNS1035Label, IsQualifiedName, IsValidLabelValue, IsValidPortNum,
// IsValidPortName, IsValidPathSegmentName and the name functions built on them). Each returns the
// messages kube-apiserver prints, in its order, or none.

const dns1123Label = '[a-z0-9]([-a-z0-9]*[a-z0-9])?'
const dns1123Subdomain = `${dns1123Label}(\\.${dns1123Label})*`
const dns1035Label = '[a-z]([-a-z0-9]*[a-z0-9])?'
const qualifiedName = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'
const labelValue = `(${qualifiedName})?`

const full = (re: string): RegExp => new RegExp(`^${re}$`)
const labelRe = full(dns1123Label)
const subdomainRe = full(dns1123Subdomain)
const dns1035Re = full(dns1035Label)
const qualifiedRe = full(qualifiedName)
const labelValueRe = full(labelValue)

/** apimachinery's RegexError: the message, its examples and the regular expression. */
export function regexError(message: string, format: string, ...examples: string[]): string {
  if (examples.length === 0) return `${message} (regex used for validation is '${format}')`
  return `${message} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${format}')`
}

/** apimachinery's MaxLenError. */
export const maxLenError = (n: number): string => `must be no more than ${n} characters`

/** IsDNS1123Label. */
export function dns1123LabelErrors(value: string): string[] {
  const out: string[] = []
  if (value.length > 63) out.push(maxLenError(63))
  if (!labelRe.test(value)) {
    if (subdomainRe.test(value)) out.push('must not contain dots')
    else {
      out.push(
        regexError(
          "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
          dns1123Label,
          'my-name',
          '123-abc',
        ),
      )
    }
  }
  return out
}

/** IsDNS1123Subdomain. */
export function dns1123SubdomainErrors(value: string): string[] {
  const out: string[] = []
  if (value.length > 253) out.push(maxLenError(253))
  if (!subdomainRe.test(value)) {
    out.push(
      regexError(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        dns1123Subdomain,
        'example.com',
      ),
    )
  }
  return out
}

/** IsDNS1035Label. */
export function dns1035LabelErrors(value: string): string[] {
  const out: string[] = []
  if (value.length > 63) out.push(maxLenError(63))
  if (!dns1035Re.test(value)) {
    out.push(
      regexError(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
        dns1035Label,
        'my-name',
        'abc-123',
      ),
    )
  }
  return out
}

const qualifiedNameMessage = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"

/** IsQualifiedName: label keys, annotation keys (lower-cased first), finalizers. */
export function qualifiedNameErrors(value: string): string[] {
  const out: string[] = []
  const parts = value.split('/')
  let name: string
  if (parts.length === 1) name = parts[0] ?? ''
  else if (parts.length === 2) {
    const prefix = parts[0] ?? ''
    name = parts[1] ?? ''
    if (prefix === '') out.push('prefix part must be non-empty')
    else out.push(...dns1123SubdomainErrors(prefix).map((m) => `prefix part ${m}`))
  } else {
    return [
      `a qualified name ${regexError(qualifiedNameMessage, qualifiedName, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ]
  }
  if (name === '') out.push('name part must be non-empty')
  else if (name.length > 63) out.push(`name part ${maxLenError(63)}`)
  if (!qualifiedRe.test(name)) out.push(`name part ${regexError(qualifiedNameMessage, qualifiedName, 'MyName', 'my.name', '123-abc')}`)
  return out
}

/** IsValidLabelValue. */
export function labelValueErrors(value: string): string[] {
  const out: string[] = []
  if (value.length > 63) out.push(maxLenError(63))
  if (!labelValueRe.test(value)) {
    out.push(
      regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        labelValue,
        'MyValue',
        'my_value',
        '12345',
      ),
    )
  }
  return out
}

/** IsValidPortNum. */
export function portNumErrors(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : ['must be between 1 and 65535, inclusive']
}

/** IsValidPortName (IANA_SVC_NAME). */
export function portNameErrors(name: string): string[] {
  const out: string[] = []
  if (name.length > 15) out.push(maxLenError(15))
  if (!/^[-a-z0-9]+$/.test(name)) out.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)')
  if (!/[a-z]/.test(name)) out.push('must contain at least one letter (a-z)')
  if (name.includes('--')) out.push('must not contain consecutive hyphens')
  if (name.startsWith('-') || name.endsWith('-')) out.push('must not begin or end with a hyphen')
  return out
}

/** IsValidPathSegmentName (RBAC names); a prefix (generateName) is only checked for what it may not contain. */
export function pathSegmentErrors(name: string, prefix: boolean): string[] {
  if (!prefix) {
    for (const bad of ['.', '..']) if (name === bad) return [`may not be '${bad}'`]
  }
  return ['/', '%'].filter((bad) => name.includes(bad)).map((bad) => `may not contain '${bad}'`)
}

/** A generateName is validated with its trailing dash masked, as apimachinery's maskTrailingDash does. */
function masked(name: string, prefix: boolean): string {
  return prefix && name.length > 1 && name.endsWith('-') ? `${name.slice(0, -1)}a` : name
}

/** The name functions of kube-apiserver's types. */
export type NameRule = 'subdomain' | 'label' | 'dns1035' | 'pathSegment'

/** The messages of one name rule for a name, or for a generateName when `prefix`. */
export function nameRuleErrors(rule: NameRule, name: string, prefix: boolean): string[] {
  switch (rule) {
    case 'label':
      return dns1123LabelErrors(masked(name, prefix))
    case 'dns1035':
      return dns1035LabelErrors(masked(name, prefix))
    case 'pathSegment':
      return pathSegmentErrors(name, prefix)
    case 'subdomain':
      return dns1123SubdomainErrors(masked(name, prefix))
  }
}
