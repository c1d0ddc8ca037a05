/**
 * `recops validate <file>…`: every broken rule of each parameter file (both published formats), with
 * its JSON path, plus the placeholders the published examples leave for the user to fill in. With
 * --stage, also the Personalize names that stage gives the resources (`stageScopedName`: a name its
 * prefix pushes past 63 characters fails at intake). Exit 1 when any file has an error; warnings alone pass.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { UsageError } from '../errors';
import { printJson } from '../output';

interface FileIssue {
  readonly severity: 'error' | 'warning';
  /** JSON path (`solutions[0].serviceConfig.name`), `$` for the whole file. */
  readonly path: string;
  /** The rule broken, as a sentence. */
  readonly message: string;
}

interface FileReport {
  readonly file: string;
  readonly ok: boolean;
  readonly issues: readonly FileIssue[];
}

/** `['solutions', 0, 'serviceConfig']` → `solutions[0].serviceConfig` (core's path format). */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) out += typeof segment === 'number' ? `[${segment}]` : out === '' ? String(segment) : `.${String(segment)}`;
  return out === '' ? '$' : out;
}

/** Placeholders the published examples carry in place of the user's own values. */
const REPLACE_WITH = /<REPLACE_WITH_[A-Z0-9_]+>/g;
const BARE_PLACEHOLDERS = ['IAM_ROLE_ARN', 'S3_BUCKET_NAME', 'AWS_ACCOUNT_ID'] as const;

const PLACEHOLDER_MEANING: Readonly<Record<string, string>> = {
  IAM_ROLE_ARN: 'the ARN of the role Personalize assumes to read the bucket',
  S3_BUCKET_NAME: "the name of the stage's data bucket",
  AWS_ACCOUNT_ID: 'your 12-digit AWS account id',
};

function meaningOf(token: string): string {
  const bare = token.replace(/^<REPLACE_WITH_/, '').replace(/>$/, '');
  return PLACEHOLDER_MEANING[bare] ?? 'your own value';
}

/** Every placeholder in any string of the file (keys included), with the path of the value holding it. */
export function findPlaceholders(value: unknown, path: PropertyKey[] = []): FileIssue[] {
  const issues: FileIssue[] = [];
  const report = (token: string, at: PropertyKey[]): void => {
    issues.push({
      severity: 'error',
      path: formatPath(at),
      message: `placeholder ${token} left from the published example: replace it with ${meaningOf(token)}`,
    });
  };
  const scan = (text: string, at: PropertyKey[]): void => {
    const replaced = text.match(REPLACE_WITH) ?? [];
    for (const token of replaced) report(token, at);
    const rest = text.replace(REPLACE_WITH, ' ');
    for (const token of BARE_PLACEHOLDERS) if (new RegExp(`(^|[^A-Za-z0-9])${token}([^A-Za-z0-9]|$)`).test(rest)) report(token, at);
  };
  if (typeof value === 'string') scan(value, path);
  else if (Array.isArray(value)) value.forEach((item, index) => issues.push(...findPlaceholders(item, [...path, index])));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      scan(key, [...path, key]);
      issues.push(...findPlaceholders(item, [...path, key]));
    }
  }
  return issues;
}

/** Validates one parameter file's text: the schema's rules, the stage's names (with `stage`), then placeholders. */
async function validateText(file: string, text: string, stage: string | undefined): Promise<FileReport> {
  // Loaded on use: the other commands start without the parameter-file schema.
  const { parseParameterFileText, resolvePlan, ParameterFileError } = await import('@recops/core');
  const result = parseParameterFileText(text);
  const issues: FileIssue[] = result.ok
    ? result.warnings.map((w) => ({ severity: 'warning' as const, path: w.path, message: w.message }))
    : result.errors.map((e) => ({ severity: 'error' as const, path: e.path, message: e.message }));
  if (result.ok && stage !== undefined) {
    try {
      // Names do not depend on the bucket or the file's key; any well-formed ones resolve the same names.
      resolvePlan(result.file, { bucket: 'stage-bucket', configKey: 'train/config.json', stage });
    } catch (error) {
      if (!(error instanceof ParameterFileError)) throw error;
      issues.push(...error.issues.map((e) => ({ severity: 'error' as const, path: e.path, message: e.message })));
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    parsed = undefined; // the syntax error is already reported at `$`
  }
  if (parsed !== undefined) issues.push(...findPlaceholders(parsed));
  return { file, ok: !issues.some((i) => i.severity === 'error'), issues };
}

async function validateFile(file: string, stage: string | undefined): Promise<FileReport> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
    return { file, ok: false, issues: [{ severity: 'error', path: '$', message: `cannot read the file: ${why}` }] };
  }
  return validateText(file, text, stage);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function formatReport(report: FileReport): string[] {
  const errors = report.issues.filter((i) => i.severity === 'error').length;
  const warnings = report.issues.length - errors;
  const head =
    report.issues.length === 0 ? `${report.file}: valid` : `${report.file}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
  return [head, ...report.issues.map((i) => `  ${i.severity.padEnd(7)}  ${i.path}: ${i.message}`)];
}

export function registerValidate(program: Command, setExit: (code: number) => void): void {
  program
    .command('validate')
    .summary('check parameter files before uploading them')
    .description(
      'Checks each parameter file (either published format) against every rule recops applies at upload, and reports ' +
        'placeholders left from the published examples (IAM_ROLE_ARN, S3_BUCKET_NAME, <REPLACE_WITH_…>, AWS_ACCOUNT_ID). ' +
        'Each problem is printed with its JSON path. Exit code 1 when any file has an error.',
    )
    .argument('<file...>', 'parameter files to check')
    .option('--stage <name>', "also check the Personalize names this stage gives (non-production stages prefix them with '<stage>-')")
    .option('--json', 'print the reports as JSON')
    .action(async (files: string[], options: { json?: boolean; stage?: string }) => {
      const { stage } = options;
      if (stage !== undefined && !/^[a-zA-Z0-9][a-zA-Z0-9\-_]*$/.test(stage))
        throw new UsageError(
          `--stage must start with a letter or digit and hold only letters, digits, "-" and "_", got ${JSON.stringify(stage)}`,
        );
      const reports = await Promise.all(files.map((file) => validateFile(file, stage)));
      if (options.json) printJson(reports);
      else for (const report of reports) process.stdout.write(`${formatReport(report).join('\n')}\n`);
      setExit(reports.every((r) => r.ok) ? 0 : 1);
    });
}
