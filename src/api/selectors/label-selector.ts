/**
 * LabelSelector: the parsed, matchable form of both selector notations — the string form of
 * `?labelSelector=` and the structured metav1.LabelSelector of workload specs.
 */
import { ApiModelError } from '../errors.js';
import { child, type FieldError, forbidden, index, invalid, required } from '../field-errors.js';
import type { LabelSelector as StructuredSelector } from '../object.js';
import { validateLabels } from '../validation/object-meta.js';
import { isQualifiedName, isValidLabelValue } from '../validation/names.js';
import {
  aggregateMessage,
  type LabelRequirement,
  type Labels,
  requirementErrors,
  requirementMatches,
  requirementString,
  type SelectorOperator,
} from './label-requirement.js';
import { parseLabelSelectorRequirements } from './label-selector-parser.js';

export class LabelSelector {
  /** `nothing` is the selector of a nil structured selector: it matches no object. */
  private constructor(
    readonly requirements: readonly LabelRequirement[],
    private readonly nothing: boolean,
  ) {}

  static everything(): LabelSelector {
    return new LabelSelector([], false);
  }

  static nothing(): LabelSelector {
    return new LabelSelector([], true);
  }

  /** labels.Parse. Throws ApiModelError('API_LABEL_SELECTOR_INVALID'). */
  static parse(selector: string): LabelSelector {
    return new LabelSelector(parseLabelSelectorRequirements(selector), false);
  }

  /** labels.SelectorFromSet: equality on every pair (Service selectors, matchLabels). */
  static fromSet(labels: Readonly<Record<string, string>> | undefined): LabelSelector {
    const requirements = Object.entries(labels ?? {}).map(([key, value]) => ({ key, operator: '=' as const, values: [value] }));
    return new LabelSelector(sortByKey(requirements), false);
  }

  /** metav1.LabelSelectorAsSelector: nil selects nothing, empty selects everything. */
  static fromStructured(selector: StructuredSelector | null | undefined): LabelSelector {
    if (selector === null || selector === undefined) return LabelSelector.nothing();
    const requirements: LabelRequirement[] = [];
    for (const [key, value] of Object.entries(selector.matchLabels ?? {})) requirements.push(checked({ key, operator: '=', values: [value] }));
    for (const expression of selector.matchExpressions ?? []) {
      const operator = STRUCTURED_OPERATORS[expression.operator];
      if (operator === undefined) {
        throw new ApiModelError('API_LABEL_SELECTOR_INVALID', `${JSON.stringify(expression.operator)} is not a valid label selector operator`);
      }
      requirements.push(checked({ key: expression.key, operator, values: [...(expression.values ?? [])] }));
    }
    return new LabelSelector(sortByKey(requirements), false);
  }

  isEmpty(): boolean {
    return !this.nothing && this.requirements.length === 0;
  }

  matches(labels: Labels): boolean {
    if (this.nothing) return false;
    return this.requirements.every((requirement) => requirementMatches(requirement, labels));
  }

  /** Selector.String(): requirements joined by ','. Empty for everything (and for nothing). */
  toString(): string {
    return this.requirements.map(requirementString).join(',');
  }
}

const STRUCTURED_OPERATORS: Readonly<Record<string, SelectorOperator>> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
};

function checked(requirement: LabelRequirement): LabelRequirement {
  const errors = requirementErrors(requirement);
  if (errors.length > 0) throw new ApiModelError('API_LABEL_SELECTOR_INVALID', aggregateMessage(errors));
  return requirement;
}

function sortByKey(requirements: LabelRequirement[]): LabelRequirement[] {
  return requirements.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** metav1.FormatLabelSelector, as printed in SELECTOR columns: `<none>` when empty, `<error>` when bad. */
export function formatLabelSelector(selector: StructuredSelector | null | undefined): string {
  try {
    const text = LabelSelector.fromStructured(selector).toString();
    return text.length === 0 ? '<none>' : text;
  } catch {
    return '<error>';
  }
}

/** labels.FormatLabels: `k=v,k2=v2` sorted by key, `<none>` when empty. */
export function formatLabels(labels: Readonly<Record<string, string>> | undefined): string {
  const text = LabelSelector.fromSet(labels).toString();
  return text.length === 0 ? '<none>' : text;
}

/** metav1validation.ValidateLabelSelector: the structured form inside a spec. */
export function validateLabelSelector(selector: StructuredSelector | undefined, path: string): FieldError[] {
  if (selector === undefined) return [];
  const errors = validateLabels(selector.matchLabels, child(path, 'matchLabels'));
  (selector.matchExpressions ?? []).forEach((expression, i) => {
    const at = index(child(path, 'matchExpressions'), i);
    const values = expression.values ?? [];
    switch (expression.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errors.push(required(child(at, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) errors.push(forbidden(child(at, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errors.push(invalid(child(at, 'operator'), expression.operator, 'not a valid selector operator'));
    }
    for (const message of isQualifiedName(expression.key)) errors.push(invalid(child(at, 'key'), expression.key, message));
    values.forEach((value, j) => {
      for (const message of isValidLabelValue(value)) errors.push(invalid(index(child(at, 'values'), j), value, message));
    });
  });
  return errors;
}
