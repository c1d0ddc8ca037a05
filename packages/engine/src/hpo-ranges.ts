/**
 * solutionConfig.hpoConfig as CreateSolution takes it: the job budget
 * (hpoResourceConfig.maxNumberOfTrainingJobs) and algorithmHyperParameterRanges (integer,
 * continuous and categorical ranges by hyperparameter name). The engine searches the ranges of the
 * hyperparameters its model has; every other name it reports as a warning, never drops silently.
 */

/** One range, as the values the search may try. */
export interface HyperParameterRange {
  readonly name: string;
  /** [min, max] of an integer or continuous range. */
  readonly bounds?: readonly [number, number];
  readonly integer: boolean;
  /** A categorical range's values (numbers; a category that is not a number is reported). */
  readonly categories?: readonly number[];
}

export interface HpoSettings {
  /** Configurations the job budget allows (hpoResourceConfig.maxNumberOfTrainingJobs, default 4). */
  readonly maxJobs: number;
  readonly ranges: readonly HyperParameterRange[];
  /** Problems with the ranges as given (a category that is not a number, a range without bounds). */
  readonly problems: readonly string[];
}

const asNumber = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN);

export function hpoSettings(solutionConfig: Record<string, unknown> | undefined): HpoSettings {
  const hpo = (solutionConfig?.['hpoConfig'] ?? {}) as Record<string, unknown>;
  const resource = (hpo['hpoResourceConfig'] ?? {}) as Record<string, unknown>;
  const jobs = asNumber(resource['maxNumberOfTrainingJobs']);
  const maxJobs = Number.isFinite(jobs) && jobs >= 1 ? Math.floor(jobs) : 4;
  const given = (hpo['algorithmHyperParameterRanges'] ?? {}) as Record<string, unknown>;
  const ranges: HyperParameterRange[] = [];
  const problems: string[] = [];
  const list = (key: string): Record<string, unknown>[] =>
    Array.isArray(given[key])
      ? (given[key] as unknown[]).filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null)
      : [];
  for (const [key, integer] of [
    ['integerHyperParameterRanges', true],
    ['continuousHyperParameterRanges', false],
  ] as const) {
    for (const r of list(key)) {
      const name = String(r['name'] ?? '');
      const lo = asNumber(r['minValue']);
      const hi = asNumber(r['maxValue']);
      if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) {
        problems.push(`hpoConfig.algorithmHyperParameterRanges.${key} "${name}" needs minValue ≤ maxValue; it is not searched`);
        continue;
      }
      ranges.push({ name, bounds: [lo, hi], integer });
    }
  }
  for (const r of list('categoricalHyperParameterRanges')) {
    const name = String(r['name'] ?? '');
    const values = Array.isArray(r['values']) ? (r['values'] as unknown[]).map(asNumber) : [];
    if (values.length === 0 || values.some((v) => !Number.isFinite(v))) {
      problems.push(
        `hpoConfig.algorithmHyperParameterRanges.categoricalHyperParameterRanges "${name}": the local engine searches numeric values only; it is not searched`,
      );
      continue;
    }
    ranges.push({ name, categories: values, integer: false });
  }
  return { maxJobs, ranges, problems };
}

/**
 * Up to `count` values of a range: a categorical range's values; else evenly spread over
 * [min, max] — on a log scale when `geometric` and the range is positive (penalties) — and
 * rounded for integer ranges.
 */
export function rangeValues(range: HyperParameterRange, count: number, geometric = false): number[] {
  if (range.categories !== undefined) return [...new Set(range.categories)].slice(0, Math.max(1, count));
  const [lo, hi] = range.bounds!;
  const n = Math.max(1, count);
  const log = geometric && lo > 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const f = n === 1 ? 0.5 : i / (n - 1);
    let v = log ? Math.exp(Math.log(lo) + f * (Math.log(hi) - Math.log(lo))) : lo + f * (hi - lo);
    v = range.integer ? Math.round(v) : Number(v.toPrecision(4));
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

/** Ranges of names the model has (any of each entry's aliases), and a warning for each other name. */
export function matchRanges(
  settings: HpoSettings,
  performHPO: boolean,
  known: Record<string, readonly string[]>,
  model: string,
): { byName: Map<string, HyperParameterRange>; warnings: string[] } {
  const byName = new Map<string, HyperParameterRange>();
  const warnings = [...settings.problems];
  if (settings.ranges.length === 0) return { byName, warnings };
  if (!performHPO) {
    warnings.push('hpoConfig.algorithmHyperParameterRanges is given but performHPO is false: the ranges are not searched');
    return { byName, warnings };
  }
  const names = Object.values(known).map((aliases) => aliases[0]);
  for (const range of settings.ranges) {
    const key = Object.keys(known).find((k) => known[k]!.includes(range.name));
    if (key !== undefined) byName.set(key, range);
    else if (names.length === 0)
      warnings.push(
        `hpoConfig.algorithmHyperParameterRanges "${range.name}": ${model} has no hyperparameters to search; it is not searched`,
      );
    else
      warnings.push(
        `hpoConfig.algorithmHyperParameterRanges "${range.name}" is not a hyperparameter of the ${model} model (it has ${names.join(', ')}); it is not searched`,
      );
  }
  return { byName, warnings };
}
