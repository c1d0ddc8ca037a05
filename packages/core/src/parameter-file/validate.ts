import type { z } from 'zod';
import { checkAvroSchema } from '../avro';
import { ParameterFileError, ParameterFileSyntaxError, type ParameterFileIssue } from '../errors';
import { formatPath, MPE_DATASET_KEYS, ParameterFileSchema, type ParameterFile } from './schema';

export type ValidationResult =
  | { readonly ok: true; readonly file: ParameterFile; readonly warnings: readonly ParameterFileIssue[] }
  | { readonly ok: false; readonly errors: readonly ParameterFileIssue[] };

/**
 * Checks a parsed parameter file against every rule and returns all broken rules at once. Never
 * throws. On success `file` is the validated file with deprecated settings removed
 * (`performAutoML`, `solutionConfig.autoMLConfig`), and `warnings` says what was removed or looks
 * wrong without being fatal.
 */
export function validateParameterFile(json: unknown): ValidationResult {
  let result: ReturnType<typeof ParameterFileSchema.safeParse>;
  try {
    result = ParameterFileSchema.safeParse(json, { reportInput: true });
  } catch (error) {
    // A rule that throws is a bug, but the caller still gets a validation result, not a crash.
    return { ok: false, errors: [{ path: '$', message: `could not validate: ${(error as Error).message}` }] };
  }
  if (!result.success) return { ok: false, errors: issuesOf(result.error) };
  const warnings: ParameterFileIssue[] = [];
  const file = dropDeprecated(result.data, warnings);
  warnings.push(...softWarnings(file));
  return { ok: true, file, warnings };
}

/** Like `validateParameterFile`, but throws `ParameterFileError` listing every broken rule. */
export function assertParameterFile(json: unknown): { file: ParameterFile; warnings: readonly ParameterFileIssue[] } {
  const result = validateParameterFile(json);
  if (!result.ok) throw new ParameterFileError(result.errors);
  return { file: result.file, warnings: result.warnings };
}

/**
 * Parses the text of a parameter file and validates it. Bad JSON is reported with its 1-based line
 * and column (path `$`). Never throws.
 */
export function parseParameterFileText(text: string): ValidationResult {
  const parsed = parseJson(text);
  if (!parsed.ok) return { ok: false, errors: parsed.error.issues };
  return validateParameterFile(parsed.value);
}

/** Like `parseParameterFileText`, but throws `ParameterFileSyntaxError` or `ParameterFileError`. */
export function loadParameterFile(text: string): { file: ParameterFile; warnings: readonly ParameterFileIssue[] } {
  const parsed = parseJson(text);
  if (!parsed.ok) throw parsed.error;
  return assertParameterFile(parsed.value);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: ParameterFileSyntaxError } {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // tolerate a UTF-8 byte order mark
  try {
    return { ok: true, value: JSON.parse(source) };
  } catch (error) {
    const message = (error as Error).message;
    const offset = syntaxErrorOffset(source, message);
    const { line, column } = lineAndColumn(source, offset);
    return { ok: false, error: new ParameterFileSyntaxError(shortJsonMessage(message), line, column, { cause: error }) };
  }
}

const POSITION = /at position (\d+)/;

/**
 * Where JSON.parse gave up. V8 names the position in most messages but not in "Unexpected token"
 * ones, so then the shortest failing prefix is found by bisection (a prefix of valid JSON fails
 * only with "end of input" or at its own end).
 */
function syntaxErrorOffset(text: string, message: string): number {
  const stated = POSITION.exec(message);
  if (stated) return Number(stated[1]);
  if (/end of JSON input/.test(message)) return text.length;
  const validPrefix = (length: number): boolean => {
    try {
      JSON.parse(text.slice(0, length));
      return true;
    } catch (error) {
      const m = (error as Error).message;
      if (/end of JSON input/.test(m)) return true;
      const at = POSITION.exec(m);
      return at !== null && Number(at[1]) >= length;
    }
  };
  let low = 0; // longest prefix known valid
  let high = text.length; // a length known invalid
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (validPrefix(mid)) low = mid;
    else high = mid;
  }
  return high - 1;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i += 1) {
    if (text.charCodeAt(i) === 10) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/** V8 appends the whole input to some messages; keep only the description. */
function shortJsonMessage(message: string): string {
  return message.replace(/, ".*" is not valid JSON$/s, '').replace(/ in JSON at position \d+.*$/s, '');
}

function issuesOf(error: z.ZodError): ParameterFileIssue[] {
  const issues: ParameterFileIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        issues.push({ path: formatPath([...issue.path, key]), message: boundQuotes(`unknown key "${key}"`) });
      }
      continue;
    }
    issues.push({ path: formatPath(issue.path), message: boundQuotes(describeIssue(issue)) });
  }
  return issues;
}

/**
 * A message repeats the file's values in quotes; a quoted value longer than 64 characters is cut to
 * its start and its length, so a huge bad value never makes a huge error.
 */
function boundQuotes(message: string): string {
  return message.replace(
    /"((?:[^"\\]|\\.){65,}?)"(?=[\s,:;.)]|$)/gs,
    (_match, inner: string) => `"${inner.slice(0, 64)}…" (${inner.length} characters)`,
  );
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    return issue.input === undefined ? `is required (${issue.expected})` : `expected ${issue.expected}, got ${typeName(issue.input)}`;
  }
  if (issue.code === 'invalid_value') {
    return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(issue.input)}`;
  }
  if (issue.code === 'invalid_union') {
    return `does not match any allowed form (got ${typeName(issue.input)} ${truncate(JSON.stringify(issue.input) ?? '')})`;
  }
  return issue.message;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Removes deprecated AutoML settings, which Personalize no longer offers. */
function dropDeprecated(file: ParameterFile, warnings: ParameterFileIssue[]): ParameterFile {
  if (
    !file.solutions?.some((s) => s.serviceConfig.performAutoML !== undefined || s.serviceConfig.solutionConfig?.autoMLConfig !== undefined)
  ) {
    return file;
  }
  const solutions = file.solutions.map((solution, index) => {
    const { performAutoML, solutionConfig, ...serviceConfig } = solution.serviceConfig;
    if (performAutoML !== undefined) {
      warnings.push({
        path: `solutions[${index}].serviceConfig.performAutoML`,
        message: 'performAutoML is deprecated: ignored, the solution is built with its recipeArn',
      });
    }
    let config = solutionConfig;
    if (solutionConfig?.autoMLConfig !== undefined) {
      const { autoMLConfig: _dropped, ...rest } = solutionConfig;
      config = rest;
      warnings.push({
        path: `solutions[${index}].serviceConfig.solutionConfig.autoMLConfig`,
        message: 'autoMLConfig is deprecated with performAutoML: ignored',
      });
    }
    return { ...solution, serviceConfig: config === undefined ? serviceConfig : { ...serviceConfig, solutionConfig: config } };
  });
  return { ...file, solutions };
}

/** Things Personalize may refuse but that published parameter files contain, so they still load. */
function softWarnings(file: ParameterFile): ParameterFileIssue[] {
  const warnings: ParameterFileIssue[] = [];
  (file.solutions ?? []).forEach((solution, index) => {
    if (solution.serviceConfig.recipeArn === undefined) {
      warnings.push({
        path: `solutions[${index}].serviceConfig.recipeArn`,
        message: 'no recipeArn: CreateSolution needs one now that AutoML is gone, so this solution will fail to create',
      });
    }
  });
  if (file.datasetGroup.serviceConfig.domain === undefined) {
    (file.recommenders ?? []).forEach((_recommender, index) => {
      warnings.push({
        path: `recommenders[${index}]`,
        message: 'recommenders need a domain dataset group (datasetGroup.serviceConfig.domain): CreateRecommender will refuse this one',
      });
    });
  }
  const declaresDatasets =
    Object.keys(MPE_DATASET_KEYS).some((key) => file.datasets?.[key as keyof typeof MPE_DATASET_KEYS] !== undefined) ||
    (file.datasetGroup.datasets ?? []).length > 0;
  const buildsOnData =
    (file.solutions ?? []).length > 0 ||
    file.eventTracker !== undefined ||
    (file.filters ?? []).length > 0 ||
    (file.recommenders ?? []).length > 0;
  if (!declaresDatasets && buildsOnData) {
    warnings.push({
      path: 'datasets',
      message: `no datasets section: the file adds to dataset group "${file.datasetGroup.serviceConfig.name}" and uses its existing datasets; the run fails when training starts if the group has no interactions data`,
    });
  }
  const cdkDatasets = file.datasetGroup.datasets ?? [];
  if (
    cdkDatasets.length > 0 &&
    buildsOnData &&
    cdkDatasets.every((d) => d.datasetImportJob === undefined || d.datasetImportJob.createNewJob === false)
  ) {
    warnings.push({
      path: 'datasetGroup.datasets',
      message:
        'no dataset is imported (each datasetImportJob is absent or has createNewJob: false): solutions train on the data already in the dataset group once its datasets are ACTIVE; the run fails when training starts if it holds no interactions data',
    });
  }
  warnings.push(...notCarriedOut(file));
  for (const [key, type] of Object.entries(MPE_DATASET_KEYS)) {
    const entry = file.datasets?.[key as keyof typeof MPE_DATASET_KEYS];
    if (!entry) continue;
    for (const warning of checkAvroSchema(entry.schema.serviceConfig.schema, type).warnings) {
      warnings.push({ path: joinPath(`datasets.${key}.schema.serviceConfig.schema`, warning.path), message: warning.message });
    }
  }
  (file.datasetGroup.datasets ?? []).forEach((entry, index) => {
    for (const warning of checkAvroSchema(entry.schema.serviceConfig.schema, entry.type).warnings) {
      warnings.push({
        path: joinPath(`datasetGroup.datasets[${index}].schema.serviceConfig.schema`, warning.path),
        message: warning.message,
      });
    }
  });
  return warnings;
}

/**
 * Settings the file may hold that recops does not act on, or that work against what it does: each
 * is named with what happens instead, so none passes silently.
 */
function notCarriedOut(file: ParameterFile): ParameterFileIssue[] {
  const warnings: ParameterFileIssue[] = [];
  const maxAge = (path: string) =>
    warnings.push({
      path,
      message:
        'maxAge is accepted for compatibility with the MPE format but recops does not act on it: runs start on upload and on the schedules',
    });
  if (file.datasetGroup.workflowConfig?.maxAge !== undefined) maxAge('datasetGroup.workflowConfig.maxAge');
  if (file.preprocessing?.run === true) {
    warnings.push({
      path: 'preprocessing.run',
      message: `recops runs no preprocessing job ("${file.preprocessing.jobName}"): prepare the CSVs before uploading them (e.g. recops prepare)`,
    });
  }
  (file.solutions ?? []).forEach((solution, i) => {
    const at = `solutions[${i}]`;
    if (solution.workflowConfig?.maxAge !== undefined) maxAge(`${at}.workflowConfig.maxAge`);
    const trained = solution.solutionVersion?.createNewSolutionVersion !== false;
    (solution.campaigns ?? []).forEach((campaign, j) => {
      if (campaign.createCampaign === false) return;
      if (!trained && !campaign.solutionversion) {
        warnings.push({
          path: `${at}.campaigns[${j}]`,
          message: `campaign "${campaign.serviceConfig.name}" is never created or updated: recops deploys a campaign after the promotion gate passes a version this file trains, and ${at}.solutionVersion.createNewSolutionVersion is false (pin a version with solutionversion to deploy it)`,
        });
      }
      if (campaign.serviceConfig.campaignConfig?.syncWithLatestSolutionVersion === true) {
        warnings.push({
          path: `${at}.campaigns[${j}].serviceConfig.campaignConfig.syncWithLatestSolutionVersion`,
          message:
            'Personalize moves this campaign to every new ACTIVE version of the solution, before and regardless of the promotion gate: a rejected version serves too',
        });
      }
    });
    if (!trained) {
      for (const member of ['batchInferenceJobs', 'batchSegmentJobs'] as const) {
        (solution[member] ?? []).forEach((job, j) => {
          const off =
            member === 'batchInferenceJobs'
              ? (job as { createBatchInferenceJob?: boolean }).createBatchInferenceJob
              : (job as { createBatchSegmentJob?: boolean }).createBatchSegmentJob;
          if (off === false) return;
          warnings.push({
            path: `${at}.${member}[${j}]`,
            message:
              job.workflowConfig?.schedule === undefined
                ? `this job never runs: batch jobs run after the promotion gate decides on a version this file trains, and ${at}.solutionVersion.createNewSolutionVersion is false (give it a workflowConfig.schedule to run it on the latest promoted version)`
                : `this job runs only on its schedule, on the latest version recops promoted: this file trains none (${at}.solutionVersion.createNewSolutionVersion is false)`,
          });
        });
      }
    }
    for (const member of ['batchInferenceJobs', 'batchSegmentJobs'] as const) {
      (solution[member] ?? []).forEach((job, j) => {
        if (job.workflowConfig?.maxAge !== undefined) maxAge(`${at}.${member}[${j}].workflowConfig.maxAge`);
      });
    }
  });
  return warnings;
}

function joinPath(prefix: string, rest: string): string {
  if (rest === '') return prefix;
  return rest.startsWith('[') ? `${prefix}${rest}` : `${prefix}.${rest}`;
}
