/**
 * Field selectors (`?fieldSelector=`, `kubectl --field-selector`) as
 * k8s.io/apimachinery/pkg/fields parses them: terms split on unescaped ',', each term
 * `field=value`, `field==value` or `field!=value`, values unescaped (`\,` `\=` `\\`).
 * Binding to a kind checks every field is selectable, as kube-apiserver's field label
 * conversion does ("field label not supported: ...").
 */
import { ApiModelError } from '../errors.js';
import type { KubeObject } from '../object.js';

export interface FieldRequirement {
  readonly field: string;
  readonly operator: '=' | '!=';
  readonly value: string;
}

export const FIELD_SELECTOR_LENGTH_MAX = 64 * 1024;

const fail = (message: string): never => {
  throw new ApiModelError('API_FIELD_SELECTOR_INVALID', message);
};

function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    if (selector[i] === '\\') i++;
    else if (selector[i] === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

function splitTerm(term: string): { field: string; operator: string; value: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    if (term[i] === '\\') {
      i++;
      continue;
    }
    for (const operator of ['!=', '==', '=']) {
      if (term.startsWith(operator, i)) return { field: term.slice(0, i), operator, value: term.slice(i + operator.length) };
    }
  }
  return undefined;
}

function unescapeValue(value: string): string {
  if (!/[\\=,]/.test(value)) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] ?? '';
    if (ch === '\\') {
      const next = value[i + 1];
      if (next !== '\\' && next !== ',' && next !== '=') fail(`invalid field selector: invalid escape sequence: ${value.slice(i, i + 2)}`);
      out += next;
      i++;
    } else if (ch === ',' || ch === '=') {
      fail(`invalid field selector: unescaped character in value: ${ch.codePointAt(0) ?? 0}`);
    } else {
      out += ch;
    }
  }
  return out;
}

/** fields.ParseSelector: terms sorted as apimachinery sorts them. Throws API_FIELD_SELECTOR_INVALID. */
export function parseFieldSelector(selector: string): FieldRequirement[] {
  if (selector.length > FIELD_SELECTOR_LENGTH_MAX) fail(`field selector longer than ${FIELD_SELECTOR_LENGTH_MAX} characters`);
  const requirements: FieldRequirement[] = [];
  for (const term of splitTerms(selector).sort()) {
    if (term === '') continue;
    const parts = splitTerm(term) ?? fail(`invalid selector: '${selector}'; can't understand '${term}'`);
    const value = unescapeValue(parts.value);
    requirements.push({ field: parts.field, operator: parts.operator === '!=' ? '!=' : '=', value });
  }
  return requirements;
}

export type FieldGetters = Readonly<Record<string, (obj: KubeObject) => string>>;

/** A field selector bound to one kind's selectable fields: rejects fields the kind does not have. */
export class FieldSelector {
  private constructor(
    readonly requirements: readonly FieldRequirement[],
    private readonly getters: FieldGetters,
  ) {}

  /** Throws API_FIELD_SELECTOR_INVALID or API_FIELD_LABEL_NOT_SUPPORTED. */
  static parse(selector: string, getters: FieldGetters): FieldSelector {
    const requirements = parseFieldSelector(selector);
    for (const { field } of requirements) {
      if (!Object.prototype.hasOwnProperty.call(getters, field)) {
        throw new ApiModelError('API_FIELD_LABEL_NOT_SUPPORTED', `field label not supported: ${field}`, { field });
      }
    }
    return new FieldSelector(requirements, getters);
  }

  isEmpty(): boolean {
    return this.requirements.length === 0;
  }

  matches(obj: KubeObject): boolean {
    return this.requirements.every(({ field, operator, value }) => {
      const actual = this.getters[field]?.(obj) ?? '';
      return operator === '=' ? actual === value : actual !== value;
    });
  }

  /** The value a requirement pins a field to, if any (lets a list by spec.nodeName use an index). */
  requiresExactMatch(field: string): string | undefined {
    return this.requirements.find((r) => r.field === field && r.operator === '=')?.value;
  }

  toString(): string {
    const escape = (v: string): string => v.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/=/g, '\\=');
    return this.requirements.map((r) => `${r.field}${r.operator}${escape(r.value)}`).join(',');
  }
}
