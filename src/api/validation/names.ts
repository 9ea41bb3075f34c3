/**
 * Name and label syntax checks of k8s.io/apimachinery/pkg/util/validation, with its exact
 * messages (kubectl shows them verbatim). Each returns the list of problems; empty = valid.
 */
const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const CONFIG_MAP_KEY_FMT = '[-._a-zA-Z0-9]+';

const anchored = (fmt: string): RegExp => new RegExp(`^${fmt}$`);
const DNS1123_LABEL = anchored(DNS1123_LABEL_FMT);
const DNS1123_SUBDOMAIN = anchored(DNS1123_SUBDOMAIN_FMT);
const DNS1035_LABEL = anchored(DNS1035_LABEL_FMT);
const QUALIFIED_NAME = anchored(QUALIFIED_NAME_FMT);
const LABEL_VALUE = anchored(LABEL_VALUE_FMT);
const CONFIG_MAP_KEY = anchored(CONFIG_MAP_KEY_FMT);

export const DNS1123_LABEL_LENGTH_MAX = 63;
export const DNS1123_SUBDOMAIN_LENGTH_MAX = 253;
export const QUALIFIED_NAME_LENGTH_MAX = 63;
export const LABEL_VALUE_LENGTH_MAX = 63;

/** validation.RegexError: `msg (e.g. 'a',  or 'b', regex used for validation is 'fmt')`. */
export function regexError(message: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${message} (regex used for validation is '${fmt}')`;
  const shown = examples.map((example) => `'${example}', `).join(' or ');
  return `${message} (e.g. ${shown}regex used for validation is '${fmt}')`;
}

export const maxLenError = (length: number): string => `must be no more than ${length} characters`;
export const EMPTY_ERROR = 'must be non-empty';
export const inclusiveRangeError = (lo: number, hi: number): string => `must be between ${lo} and ${hi}, inclusive`;

const byteLength = (value: string): number => Buffer.byteLength(value, 'utf8');

/** Length first, then the pattern: both problems are reported, as apimachinery does. */
function checkFormat(value: string, lengthMax: number, pattern: RegExp, problem: (value: string) => string): string[] {
  const errors: string[] = [];
  if (byteLength(value) > lengthMax) errors.push(maxLenError(lengthMax));
  if (!pattern.test(value)) errors.push(problem(value));
  return errors;
}

const DNS1123_LABEL_MESSAGE = regexError(
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
  DNS1123_LABEL_FMT,
  'my-name',
  '123-abc',
);
const DNS1123_SUBDOMAIN_MESSAGE = regexError(
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
  DNS1123_SUBDOMAIN_FMT,
  'example.com',
);
const DNS1035_LABEL_MESSAGE = regexError(
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
  DNS1035_LABEL_FMT,
  'my-name',
  'abc-123',
);

export function isDns1123Label(value: string): string[] {
  // A valid subdomain that is not a label can only have failed on its dots.
  return checkFormat(value, DNS1123_LABEL_LENGTH_MAX, DNS1123_LABEL, (v) => (DNS1123_SUBDOMAIN.test(v) ? 'must not contain dots' : DNS1123_LABEL_MESSAGE));
}

export function isDns1123Subdomain(value: string): string[] {
  return checkFormat(value, DNS1123_SUBDOMAIN_LENGTH_MAX, DNS1123_SUBDOMAIN, () => DNS1123_SUBDOMAIN_MESSAGE);
}

export function isDns1035Label(value: string): string[] {
  return checkFormat(value, DNS1123_LABEL_LENGTH_MAX, DNS1035_LABEL, () => DNS1035_LABEL_MESSAGE);
}

const QUALIFIED_NAME_MESSAGE =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** IsQualifiedName: label keys, annotation keys, finalizers: `[prefix/]name`. */
export function isQualifiedName(value: string): string[] {
  const errors: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0] ?? '';
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    name = parts[1] ?? '';
    if (prefix.length === 0) errors.push(`prefix part ${EMPTY_ERROR}`);
    else errors.push(...isDns1123Subdomain(prefix).map((message) => `prefix part ${message}`));
  } else {
    return [
      `a qualified name ${regexError(QUALIFIED_NAME_MESSAGE, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errors.push(`name part ${EMPTY_ERROR}`);
  else if (byteLength(name) > QUALIFIED_NAME_LENGTH_MAX) errors.push(`name part ${maxLenError(QUALIFIED_NAME_LENGTH_MAX)}`);
  if (!QUALIFIED_NAME.test(name)) {
    errors.push(`name part ${regexError(QUALIFIED_NAME_MESSAGE, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  }
  return errors;
}

const LABEL_VALUE_MESSAGE = regexError(
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
  LABEL_VALUE_FMT,
  'MyValue',
  'my_value',
  '12345',
);

export function isValidLabelValue(value: string): string[] {
  return checkFormat(value, LABEL_VALUE_LENGTH_MAX, LABEL_VALUE, () => LABEL_VALUE_MESSAGE);
}

function chdirPrefixErrors(value: string): string[] {
  if (value === '.') return ["must not be '.'"];
  if (value === '..') return ["must not be '..'"];
  if (value.startsWith('..')) return ["must not start with '..'"];
  return [];
}

const CONFIG_MAP_KEY_MESSAGE = regexError(
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
  CONFIG_MAP_KEY_FMT,
  'key.name',
  'KEY_NAME',
  'key-name',
);

/** Keys of ConfigMap and Secret data. */
export function isConfigMapKey(value: string): string[] {
  return [...checkFormat(value, DNS1123_SUBDOMAIN_LENGTH_MAX, CONFIG_MAP_KEY, () => CONFIG_MAP_KEY_MESSAGE), ...chdirPrefixErrors(value)];
}

export function isValidPortNum(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : [inclusiveRangeError(1, 65535)];
}

/** IANA_SVC_NAME: container and service port names. */
export function isValidPortName(port: string): string[] {
  const errors: string[] = [];
  if (port.length > 15) errors.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port)) errors.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errors.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errors.push('must not contain consecutive hyphens');
  if (port.startsWith('-') || port.endsWith('-')) errors.push('must not begin or end with a hyphen');
  return errors;
}

/**
 * apimachinery's ValidateNameFunc: `prefix` is true for generateName, whose trailing dash
 * (the generator appends random characters) must not count against it.
 */
export type NameValidator = (name: string, prefix: boolean) => string[];

const maskTrailingDash = (name: string): string => (name.length > 1 && name.endsWith('-') ? `${name.slice(0, -1)}a` : name);

export const nameIsDnsSubdomain: NameValidator = (name, prefix) => isDns1123Subdomain(prefix ? maskTrailingDash(name) : name);
export const nameIsDnsLabel: NameValidator = (name, prefix) => isDns1123Label(prefix ? maskTrailingDash(name) : name);
export const nameIsDns1035Label: NameValidator = (name, prefix) => isDns1035Label(prefix ? maskTrailingDash(name) : name);
