import { EngineInputError } from '../port';

/**
 * A filter expression (or the filterValues of a request) breaks the grammar or a rule of the
 * service. CreateFilter and the runtime answer InvalidInputException with this message.
 */
export class FilterSyntaxError extends EngineInputError {
  /** 1-based character position in the expression; undefined for filterValues errors. */
  readonly position: number | undefined;
  /** The offending token as written ('' at the end of the expression). */
  readonly token: string | undefined;

  constructor(message: string, details: { position?: number; token?: string } = {}, options?: ErrorOptions) {
    super(message, options);
    // `name` is a literal-typed readonly field on EngineInputError, so it is redefined, not overridden.
    Object.defineProperty(this, 'name', { value: 'FilterSyntaxError', enumerable: false, configurable: true });
    this.position = details.position;
    this.token = details.token;
  }
}

/** Builds the error for a token at `offset` (0-based) of the expression. */
export function syntaxErrorAt(offset: number, token: string, rule: string): FilterSyntaxError {
  // A long token is cut: the position already says where it is.
  const near = token === '' ? 'the end of the expression' : `"${token.length > 64 ? `${token.slice(0, 64)}…` : token}"`;
  return new FilterSyntaxError(`Invalid filter expression at position ${offset + 1} near ${near}: ${rule}`, {
    position: offset + 1,
    token,
  });
}
