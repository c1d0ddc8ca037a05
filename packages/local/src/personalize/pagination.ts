/**
 * List* pagination: `maxResults` 1–100 (default 100) and an opaque `nextToken` that is only valid
 * for the same listing (same operation and filter) it came from.
 */
import { InvalidNextTokenError } from './errors';
import { type Json, optionalInteger, optionalString } from './input';

const MAX_PAGE_SIZE = 100;

interface TokenContent {
  readonly offset: number;
  readonly scope: string;
}

function encode(content: TokenContent): string {
  return Buffer.from(JSON.stringify(content), 'utf8').toString('base64url');
}

function decode(token: string, scope: string): number {
  try {
    const content = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<TokenContent>;
    if (content.scope === scope && typeof content.offset === 'number' && Number.isInteger(content.offset) && content.offset >= 0) {
      return content.offset;
    }
  } catch {
    // fall through to the error below
  }
  throw new InvalidNextTokenError(`The nextToken "${token}" is not valid for this request.`);
}

/** One page of `items`; `scope` identifies the listing (operation plus its filter members). */
export function paginate<T>(items: readonly T[], input: Json, scope: string): { page: T[]; nextToken?: string } {
  const maxResults = optionalInteger(input, 'maxResults', 1, MAX_PAGE_SIZE) ?? MAX_PAGE_SIZE;
  const token = optionalString(input, 'nextToken');
  const offset = token === undefined ? 0 : decode(token, scope);
  const page = items.slice(offset, offset + maxResults);
  const end = offset + page.length;
  return end < items.length ? { page, nextToken: encode({ offset: end, scope }) } : { page };
}
