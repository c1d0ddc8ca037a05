/**
 * Splits a filter expression into tokens. Keywords are recognised by the parser (case-insensitive),
 * so the lexer only knows words, quoted strings, numbers, `$PLACEHOLDER`s and symbols.
 */
import { syntaxErrorAt } from './errors';

export const TokenKind = {
  word: 'word',
  string: 'string',
  number: 'number',
  placeholder: 'placeholder',
  symbol: 'symbol',
  end: 'end',
} as const;
export type TokenKind = (typeof TokenKind)[keyof typeof TokenKind];

export interface Token {
  readonly kind: TokenKind;
  /** The token as written (quotes included for strings). */
  readonly text: string;
  /** The unquoted string, the placeholder name without `$`, or the text. */
  readonly value: string;
  /** 0-based offset in the expression. */
  readonly offset: number;
}

const SYMBOLS = ['<=', '>=', '!=', '(', ')', ',', '.', '|', '=', '<', '>', '*'] as const;
const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/y;
const PLACEHOLDER = /\$[A-Za-z0-9_]+/y;

export function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expression.length) {
    const ch = expression[i] as string;
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const { value, end } = readString(expression, i, ch);
      tokens.push({ kind: TokenKind.string, text: expression.slice(i, end), value, offset: i });
      i = end;
      continue;
    }
    const word = matchAt(WORD, expression, i);
    if (word !== undefined) {
      tokens.push({ kind: TokenKind.word, text: word, value: word, offset: i });
      i += word.length;
      continue;
    }
    const number = matchAt(NUMBER, expression, i);
    if (number !== undefined) {
      tokens.push({ kind: TokenKind.number, text: number, value: number, offset: i });
      i += number.length;
      continue;
    }
    if (ch === '$') {
      const placeholder = matchAt(PLACEHOLDER, expression, i);
      if (placeholder === undefined) {
        throw syntaxErrorAt(i, '$', 'a placeholder is $ followed by letters, digits or underscores');
      }
      tokens.push({ kind: TokenKind.placeholder, text: placeholder, value: placeholder.slice(1), offset: i });
      i += placeholder.length;
      continue;
    }
    const symbol = SYMBOLS.find((s) => expression.startsWith(s, i));
    if (symbol === undefined) {
      throw syntaxErrorAt(i, ch, 'unexpected character');
    }
    tokens.push({ kind: TokenKind.symbol, text: symbol, value: symbol, offset: i });
    i += symbol.length;
  }
  tokens.push({ kind: TokenKind.end, text: '', value: '', offset: expression.length });
  return tokens;
}

function matchAt(pattern: RegExp, text: string, offset: number): string | undefined {
  pattern.lastIndex = offset;
  const match = pattern.exec(text);
  return match?.[0];
}

/** Reads a quoted string starting at `start`; a backslash escapes the next character. */
function readString(text: string, start: number, quote: string): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '\\' && i + 1 < text.length) {
      value += text[i + 1];
      i += 2;
      continue;
    }
    if (ch === quote) return { value, end: i + 1 };
    value += ch;
    i += 1;
  }
  throw syntaxErrorAt(start, text.slice(start, start + 20), `unterminated string (missing closing ${quote})`);
}
