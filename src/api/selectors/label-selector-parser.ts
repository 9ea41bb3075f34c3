/**
 * The string form of label selectors (`?labelSelector=`, `kubectl -l`), parsed the way
 * k8s.io/apimachinery/pkg/labels does it: a lexer over bytes, then a recursive-descent parser
 * whose error messages are apimachinery's.
 */
import { ApiModelError } from '../errors.js';
import { isQualifiedName } from '../validation/names.js';
import { invalid } from '../field-errors.js';
import {
  aggregateMessage,
  BINARY_OPERATORS_TEXT,
  type LabelRequirement,
  requirementErrors,
  type SelectorOperator,
} from './label-requirement.js';

type TokenKind =
  | 'error'
  | 'end'
  | ')'
  | ','
  | '!'
  | '=='
  | '='
  | '>'
  | 'identifier'
  | 'in'
  | '<'
  | '!='
  | 'notin'
  | '(';

interface Token {
  readonly kind: TokenKind;
  readonly literal: string;
}

const LITERAL_TOKENS: ReadonlyMap<string, TokenKind> = new Map<string, TokenKind>([
  [')', ')'],
  [',', ','],
  ['!', '!'],
  ['==', '=='],
  ['=', '='],
  ['>', '>'],
  ['in', 'in'],
  ['<', '<'],
  ['!=', '!='],
  ['notin', 'notin'],
  ['(', '('],
]);

/** Selectors come from URLs; a bound keeps a hostile one from costing unbounded work. */
export const LABEL_SELECTOR_LENGTH_MAX = 64 * 1024;

const isWhitespace = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecialSymbol = (ch: string): boolean => '=!(),><'.includes(ch) && ch.length === 1;

function lex(input: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  for (;;) {
    while (pos < input.length && isWhitespace(input[pos] ?? '')) pos++;
    if (pos >= input.length) {
      tokens.push({ kind: 'end', literal: '' });
      return tokens;
    }
    const start = pos;
    if (isSpecialSymbol(input[pos] ?? '')) {
      // Longest operator made only of special symbols, as Lexer.scanSpecialSymbol.
      let best: Token | undefined;
      let end = pos;
      while (end < input.length && isSpecialSymbol(input[end] ?? '')) {
        const candidate = LITERAL_TOKENS.get(input.slice(start, end + 1));
        if (candidate !== undefined) best = { kind: candidate, literal: input.slice(start, end + 1) };
        else if (best !== undefined) break;
        end++;
      }
      if (best === undefined) {
        tokens.push({ kind: 'error', literal: `error expected: keyword found '${input.slice(start, end)}'` });
        pos = end;
      } else {
        tokens.push(best);
        pos = start + best.literal.length;
      }
      continue;
    }
    while (pos < input.length && !isSpecialSymbol(input[pos] ?? '') && !isWhitespace(input[pos] ?? '')) pos++;
    const word = input.slice(start, pos);
    tokens.push({ kind: LITERAL_TOKENS.get(word) ?? 'identifier', literal: word });
  }
}

class Parser {
  #position = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  /** In value context, `in` and `notin` are ordinary identifiers. */
  lookahead(values = true): Token {
    const token = this.tokens[Math.min(this.#position, this.tokens.length - 1)] ?? { kind: 'end', literal: '' };
    return values && (token.kind === 'in' || token.kind === 'notin') ? { kind: 'identifier', literal: token.literal } : token;
  }

  consume(values = true): Token {
    const token = this.lookahead(values);
    this.#position++;
    return token;
  }
}

const fail = (message: string): never => {
  throw new ApiModelError('API_LABEL_SELECTOR_INVALID', message);
};

function parseKeyAndInferOperator(parser: Parser): { key: string; operator: SelectorOperator | undefined } {
  let token = parser.consume();
  let operator: SelectorOperator | undefined;
  if (token.kind === '!') {
    operator = '!';
    token = parser.consume();
  }
  if (token.kind !== 'identifier') fail(`found '${token.literal}', expected: identifier`);
  const problems = isQualifiedName(token.literal);
  if (problems.length > 0) fail(aggregateMessage([invalid('<nil>', token.literal, problems.join('; '))]));
  const next = parser.lookahead().kind;
  if ((next === 'end' || next === ',') && operator !== '!') operator = 'exists';
  return { key: token.literal, operator };
}

function parseOperator(parser: Parser): SelectorOperator {
  const token = parser.consume(false);
  const operators: Partial<Record<TokenKind, SelectorOperator>> = { in: 'in', '=': '=', '==': '==', '>': 'gt', '<': 'lt', notin: 'notin', '!=': '!=' };
  const operator = operators[token.kind];
  return operator ?? fail(`found '${token.literal}', expected: ${BINARY_OPERATORS_TEXT}`);
}

function parseIdentifiersList(parser: Parser): Set<string> {
  const values = new Set<string>();
  for (;;) {
    const token = parser.consume();
    if (token.kind === 'identifier') {
      values.add(token.literal);
      const next = parser.lookahead();
      if (next.kind === ')') return values;
      if (next.kind !== ',') fail(`found '${next.literal}', expected: ',' or ')'`);
    } else if (token.kind === ',') {
      // `(,`, `,,` and `,)` each stand for an empty value.
      if (values.size === 0) values.add('');
      const next = parser.lookahead().kind;
      if (next === ')') {
        values.add('');
        return values;
      }
      if (next === ',') values.add('');
    } else {
      fail(`found '${token.literal}', expected: ',', or identifier`);
    }
  }
}

function parseValues(parser: Parser): Set<string> {
  const open = parser.consume();
  if (open.kind !== '(') fail(`found '${open.literal}' expected: '('`);
  const first = parser.lookahead();
  if (first.kind === 'identifier' || first.kind === ',') {
    const values = parseIdentifiersList(parser);
    if (parser.consume().kind !== ')') fail(`found '${first.literal}', expected: ')'`);
    return values;
  }
  if (first.kind === ')') {
    parser.consume();
    return new Set(['']);
  }
  return fail(`found '${first.literal}', expected: ',', ')' or identifier`);
}

function parseExactValue(parser: Parser): Set<string> {
  const next = parser.lookahead().kind;
  if (next === 'end' || next === ',') return new Set(['']);
  const token = parser.consume();
  if (token.kind === 'identifier') return new Set([token.literal]);
  return fail(`found '${token.literal}', expected: identifier`);
}

function parseRequirement(parser: Parser): LabelRequirement {
  const { key, operator: inferred } = parseKeyAndInferOperator(parser);
  let operator: SelectorOperator;
  let values: string[] = [];
  if (inferred === 'exists' || inferred === '!') {
    operator = inferred;
  } else {
    operator = parseOperator(parser);
    const set = operator === 'in' || operator === 'notin' ? parseValues(parser) : parseExactValue(parser);
    values = [...set].sort(); // sets.String.List() is sorted
  }
  const requirement = { key, operator, values };
  const errors = requirementErrors(requirement);
  if (errors.length > 0) fail(aggregateMessage(errors));
  return requirement;
}

/**
 * labels.Parse: requirements sorted by key. Throws API_LABEL_SELECTOR_INVALID with
 * apimachinery's message (`unable to parse requirement: ...`, `found ',', expected: ...`).
 */
export function parseLabelSelectorRequirements(selector: string): LabelRequirement[] {
  if (selector.length > LABEL_SELECTOR_LENGTH_MAX) fail(`label selector longer than ${LABEL_SELECTOR_LENGTH_MAX} characters`);
  const parser = new Parser(lex(selector));
  const requirements: LabelRequirement[] = [];
  for (;;) {
    const token = parser.lookahead();
    if (token.kind === 'end') break;
    if (token.kind !== 'identifier' && token.kind !== '!') fail(`found '${token.literal}', expected: !, identifier, or 'end of string'`);
    try {
      requirements.push(parseRequirement(parser));
    } catch (error) {
      if (error instanceof ApiModelError) fail(`unable to parse requirement: ${error.message}`);
      throw error;
    }
    const after = parser.consume();
    if (after.kind === 'end') break;
    if (after.kind !== ',') fail(`found '${after.literal}', expected: ',' or 'end of string'`);
    const next = parser.lookahead();
    if (next.kind !== 'identifier' && next.kind !== '!') fail(`found '${next.literal}', expected: identifier after ','`);
  }
  return requirements.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
