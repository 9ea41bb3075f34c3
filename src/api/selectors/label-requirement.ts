/**
 * One requirement of a label selector (labels.Requirement): key, operator, values; its
 * validation with apimachinery's messages, its match rule and its canonical string form.
 */
import { fieldErrorString, type FieldError, invalid, notSupported } from '../field-errors.js';
import { isQualifiedName, isValidLabelValue } from '../validation/names.js';

export type SelectorOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

const BINARY_OPERATORS: readonly SelectorOperator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];
export const BINARY_OPERATORS_TEXT = BINARY_OPERATORS.join(', ');

export interface LabelRequirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values: readonly string[];
}

/** labels.Set lookups: labels of an object may be absent entirely. */
export type Labels = Readonly<Record<string, string>> | undefined;

const child = (path: string, name: string): string => (path === '<nil>' ? name : `${path}.${name}`);

/**
 * labels.NewRequirement's checks. `path` is the field path the errors carry; the string
 * parser has none, which apimachinery prints as `<nil>`.
 */
export function requirementErrors(requirement: LabelRequirement, path = '<nil>'): FieldError[] {
  const { key, operator, values } = requirement;
  const errors: FieldError[] = [];
  const keyProblems = isQualifiedName(key);
  if (keyProblems.length > 0) errors.push(invalid(child(path, 'key'), key, keyProblems.join('; ')));
  const valuesPath = child(path, 'values');
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) errors.push(invalid(valuesPath, values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) errors.push(invalid(valuesPath, values, 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) errors.push(invalid(valuesPath, values, 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) errors.push(invalid(valuesPath, values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((value, i) => {
        if (!/^[+-]?\d+$/.test(value)) errors.push(invalid(`${valuesPath}[${i}]`, value, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
    default:
      errors.push(notSupported(child(path, 'operator'), operator, [...BINARY_OPERATORS, 'exists', '!']));
  }
  values.forEach((value, i) => {
    const problems = isValidLabelValue(value);
    if (problems.length > 0) errors.push(invalid(`${valuesPath}[${i}][${key}]`, value, problems.join('; ')));
  });
  return errors;
}

/** utilerrors.NewAggregate(errs).Error(): one message, or `[a, b]`. */
export function aggregateMessage(errors: readonly FieldError[]): string {
  const messages = [...new Set(errors.map(fieldErrorString))];
  return messages.length === 1 ? (messages[0] ?? '') : `[${messages.join(', ')}]`;
}

export function requirementMatches(requirement: LabelRequirement, labels: Labels): boolean {
  // null as well as absent: a stored object may carry `labels: null`, which Go decodes as no labels.
  const present = labels !== undefined && labels !== null && Object.prototype.hasOwnProperty.call(labels, requirement.key);
  const value = present ? labels[requirement.key] : undefined;
  switch (requirement.operator) {
    case '=':
    case '==':
    case 'in':
      return value !== undefined && requirement.values.includes(value);
    case '!=':
    case 'notin':
      return value === undefined || !requirement.values.includes(value);
    case 'exists':
      return present;
    case '!':
      return !present;
    case 'gt':
    case 'lt': {
      if (value === undefined || !/^[+-]?\d+$/.test(value)) return false;
      const have = BigInt(value);
      const want = BigInt(requirement.values[0] ?? '0');
      return requirement.operator === 'gt' ? have > want : have < want;
    }
  }
}

const OPERATOR_TEXT: Record<SelectorOperator, string> = {
  '=': '=',
  '==': '==',
  '!=': '!=',
  in: ' in ',
  notin: ' notin ',
  exists: '',
  '!': '',
  gt: '>',
  lt: '<',
};

/** Requirement.String(): `!key`, `key`, `key=v`, `key in (a,b)` with sorted values. */
export function requirementString(requirement: LabelRequirement): string {
  const { key, operator, values } = requirement;
  if (operator === '!') return `!${key}`;
  if (operator === 'exists') return key;
  const shown = values.length === 1 ? (values[0] ?? '') : [...values].sort().join(',');
  const set = operator === 'in' || operator === 'notin';
  return `${key}${OPERATOR_TEXT[operator]}${set ? `(${shown})` : shown}`;
}
