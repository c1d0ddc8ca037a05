/**
 * One batch line in, one output line out (PERSONALIZE.md §7). A bad line produces
 * `{"input": …, "output": null, "error": "<reason>"}` and the job carries on.
 */
import type { DatasetGroup } from '../data/group';
import type { FilterCache } from '../filter-view';
import { GroupFilterView } from '../filter-view';
import type { FilterRef } from '../port';
import { itemsMatchingAttributes, meanItemVector } from '../recipes/affinity';
import { FactorModel } from '../recipes/model';
import type { Model } from '../recipes/model';
import { rank, recipeTypeOf, recommend } from '../runtime';
import { topK } from '../topk';

export const DEFAULT_BATCH_RESULTS = 25;

type Json = Record<string, unknown>;

function parseLine(line: string): { input: Json } | { error: string; input: unknown } {
  let input: unknown;
  try {
    input = JSON.parse(line);
  } catch {
    return { input: line, error: 'Invalid JSON line' };
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { input, error: 'Each line must be a JSON object' };
  return { input: input as Json };
}

function lineFilter(filter: FilterRef | undefined, input: Json): FilterRef | undefined {
  if (filter === undefined) return undefined;
  const values = input.filterValues;
  if (values === undefined) return filter;
  return { ...filter, filterValues: values as Record<string, string> };
}

const fail = (input: unknown, error: string): string => JSON.stringify({ input, output: null, error });

export function inferenceLine(
  group: DatasetGroup,
  model: Model,
  filters: FilterCache,
  line: string,
  numResults: number,
  filter: FilterRef | undefined,
): string {
  const parsed = parseLine(line);
  if ('error' in parsed) return fail(parsed.input, parsed.error);
  const input = parsed.input;
  const type = recipeTypeOf(model);
  try {
    const f = lineFilter(filter, input);
    if (type === 'PERSONALIZED_RANKING') {
      if (typeof input.userId !== 'string') return fail(input, 'userId is required and must be a string');
      if (!Array.isArray(input.itemList) || !input.itemList.every((i) => typeof i === 'string')) {
        return fail(input, 'itemList is required and must be an array of strings');
      }
      const ranked = rank(group, model, filters, {
        userId: input.userId,
        inputList: input.itemList as string[],
        ...(f === undefined ? {} : { filter: f }),
      });
      return JSON.stringify({
        input,
        output: { recommendedItems: ranked.map((r) => r.itemId), scores: ranked.map((r) => r.score) },
        error: null,
      });
    }
    const idKey = type === 'RELATED_ITEMS' ? 'itemId' : 'userId';
    if (typeof input[idKey] !== 'string') return fail(input, `${idKey} is required and must be a string`);
    const recs = recommend(group, model, filters, {
      ...(type === 'RELATED_ITEMS' ? { itemId: input.itemId as string } : { userId: input.userId as string }),
      numResults,
      ...(f === undefined ? {} : { filter: f }),
    });
    return JSON.stringify({
      input,
      output: { recommendedItems: recs.map((r) => r.itemId), scores: recs.map((r) => r.score) },
      error: null,
    });
  } catch (err) {
    return fail(input, (err as Error).message);
  }
}

export function segmentLine(
  group: DatasetGroup,
  model: Model,
  filters: FilterCache,
  line: string,
  numResults: number,
  filter: FilterRef | undefined,
): string {
  const parsed = parseLine(line);
  if ('error' in parsed) return fail(parsed.input, parsed.error);
  const input = parsed.input;
  try {
    if (!(model instanceof FactorModel)) return fail(input, `Recipe ${model.info.recipe} does not produce user segments`);
    let codes: number[];
    const byAttributes = typeof input.itemAttributes === 'string';
    if (byAttributes) codes = itemsMatchingAttributes(group, input.itemAttributes as string);
    else if (typeof input.itemId === 'string') codes = [group.items.lookup(input.itemId)];
    else return fail(input, 'itemId (item-affinity) or itemAttributes (item-attribute-affinity) is required');
    const vector = meanItemVector(model, codes);
    let users: string[] = [];
    if (vector !== undefined) {
      const f = lineFilter(filter, input);
      let allow: ((code: number) => boolean) | undefined;
      if (f !== undefined) {
        const allows = filters.get(f).bind({ data: new GroupFilterView(group) });
        allow = (code) => allows(group.users.decode(code));
      }
      const best = topK(model.userScores(vector), numResults, allow === undefined ? {} : { allow });
      users = best.codes.map((c) => group.users.decode(c));
    }
    const output = { recommendedUsers: users };
    // The service's attribute example echoes the query at the top level (PERSONALIZE.md §7).
    return JSON.stringify(byAttributes ? { itemAttributes: input.itemAttributes, output, error: null } : { input, output, error: null });
  } catch (err) {
    return fail(input, (err as Error).message);
  }
}
