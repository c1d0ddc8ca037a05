/**
 * `recops run <file> [--data DIR]`: validates the parameter file, uploads the CSVs beside it (and
 * the batch jobs' input files) to `train/<dataset group>/` of the stage's bucket, then the file
 * itself, which starts the run; follows the run live, one line per event with the time since the
 * upload, until Pipeline Completed or Pipeline Failed, and prints its steps. Exit 0 when it
 * completed, 1 when it failed or did not end in time.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ParameterFileError, parseParameterFileText, resolvePlan, type Plan } from '@recops/core';
import { describeEvent, type ChainEvent } from '../demo/timeline';
import { CliError } from '../errors';
import { createProgress, seconds } from '../output';
import type { Target } from '../target';
import { findPlaceholders } from '../commands/validate';
import { BusTap } from './bus-tap';
import { formatSteps, summarizeRun } from './steps';

/** The CSV folders of the documented layout (`train/<dsg>/<type>/part-*.csv`). */
const CSV_FOLDERS = ['interactions', 'items', 'users', 'actions', 'action_interactions', 'item_interactions'];

interface Upload {
  readonly local: string;
  readonly key: string;
}

/** The CSVs beside the file (and in the dataset folders) that go to `train/<dsg>/`. */
async function csvUploads(dataDir: string, prefix: string): Promise<Upload[]> {
  const uploads: Upload[] = [];
  const entries = await readdir(dataDir, { withFileTypes: true });
  for (const entry of entries) {
    if (entry.isFile() && entry.name.toLowerCase().endsWith('.csv'))
      uploads.push({ local: join(dataDir, entry.name), key: `${prefix}${entry.name}` });
    if (entry.isDirectory() && CSV_FOLDERS.includes(entry.name)) {
      for (const part of await readdir(join(dataDir, entry.name), { withFileTypes: true })) {
        if (part.isFile() && part.name.toLowerCase().endsWith('.csv'))
          uploads.push({ local: join(dataDir, entry.name, part.name), key: `${prefix}${entry.name}/${part.name}` });
      }
    }
  }
  return uploads.sort((a, b) => a.key.localeCompare(b.key));
}

function parseS3Uri(uri: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
  return match ? { bucket: match[1] as string, key: match[2] as string } : undefined;
}

export interface RunResult {
  readonly runId?: string;
  readonly outcome: 'completed' | 'failed' | 'timed-out';
  readonly configKey: string;
  readonly uploaded: readonly string[];
  readonly events: readonly ChainEvent[];
  readonly reason?: string;
}

export interface RunOptions {
  readonly file: string;
  readonly dataDir: string;
  readonly timeoutSeconds: number;
  readonly json: boolean;
  readonly follow: boolean;
}

export async function runPipeline(target: Target, options: RunOptions): Promise<RunResult> {
  const progress = createProgress(options.json ? { write: () => true } : process.stdout);
  const say = (line = ''): void => progress.line(line);
  const text = await readFile(options.file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new CliError(`cannot read ${options.file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
  });
  const validation = parseParameterFileText(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    parsed = undefined; // reported by the validation at `$`
  }
  const placeholders = parsed === undefined ? [] : findPlaceholders(parsed);
  if (!validation.ok || placeholders.length > 0) {
    const errors = [...(validation.ok ? [] : validation.errors), ...placeholders];
    const lines = errors.map((e) => `  ${e.path}: ${e.message}`);
    throw new CliError(
      `${options.file} is invalid (${errors.length} error${errors.length === 1 ? '' : 's'}); nothing was uploaded:\n${lines.join('\n')}`,
    );
  }
  const datasetGroupName = validation.file.datasetGroup.serviceConfig.name;
  const prefix = `train/${datasetGroupName}/`;
  const configKey = `${prefix}config.json`;
  if (!existsSync(options.dataDir)) throw new CliError(`--data ${options.dataDir} does not exist`);

  // The stage's Personalize names (a name its prefix makes too long is refused here, before any upload).
  let plan: Plan;
  try {
    plan = resolvePlan(validation.file, { bucket: target.bucketName, configKey, stage: target.stage });
  } catch (error) {
    if (!(error instanceof ParameterFileError)) throw error;
    const lines = error.issues.map((e) => `  ${e.path}: ${e.message}`);
    throw new CliError(
      `${options.file} is invalid on stage ${target.stage} (${lines.length} error${lines.length === 1 ? '' : 's'}); nothing was uploaded:\n${lines.join('\n')}`,
    );
  }
  // Batch inputs in the stage's bucket come from DIR/batch/<solution>/<file> or DIR/<file> (the file's solution name).
  const uploads = await csvUploads(options.dataDir, prefix);
  const missing: string[] = [];
  for (const [index, solution] of plan.solutions.entries()) {
    const solutionName = validation.file.solutions?.[index]?.serviceConfig.name ?? solution.name;
    for (const job of [...solution.batchInferenceJobs, ...solution.batchSegmentJobs]) {
      const input = parseS3Uri(job.inputPath);
      if (!input || input.bucket !== target.bucketName || input.key.endsWith('/')) continue;
      const candidates = [join(options.dataDir, 'batch', solutionName, basename(input.key)), join(options.dataDir, basename(input.key))];
      const local = candidates.find((c) => existsSync(c));
      if (local) uploads.push({ local, key: input.key });
      else missing.push(`${job.inputPath} (no ${relative(process.cwd(), candidates[0] as string)})`);
    }
  }

  say(`recops run: ${plan.datasetGroup.name} on ${target.description} (stage ${target.stage})`);
  const tap = options.follow ? await BusTap.open(target) : undefined;
  try {
    for (const upload of uploads) {
      progress.status(`uploading ${upload.local}`);
      await target.clients.s3.send(
        new PutObjectCommand({ Bucket: target.bucketName, Key: upload.key, Body: await readFile(upload.local) }),
      );
      say(`  uploaded ${upload.local} → s3://${target.bucketName}/${upload.key}`);
    }
    for (const input of missing) say(`  warning: batch input ${input} was not uploaded; the job fails unless it is in the bucket already`);
    const startedAt = Date.now();
    await target.clients.s3.send(
      new PutObjectCommand({ Bucket: target.bucketName, Key: configKey, Body: text, ContentType: 'application/json' }),
    );
    say(`  uploaded ${options.file} → s3://${target.bucketName}/${configKey} (this starts the run)`);
    const uploaded = [...uploads.map((u) => u.key), configKey];
    if (!tap) return { outcome: 'completed', configKey, uploaded, events: [] };
    say();

    const events: ChainEvent[] = [];
    let runId: string | undefined;
    const deadline = startedAt + options.timeoutSeconds * 1000;
    while (Date.now() < deadline) {
      progress.status(`  waiting for events … ${seconds(Date.now() - startedAt)}`);
      const wait = Math.max(1, Math.min(5, Math.ceil((deadline - Date.now()) / 1000)));
      for (const event of await tap.receive(wait)) {
        const eventRunId = typeof event.detail['runId'] === 'string' ? event.detail['runId'] : undefined;
        if (runId === undefined) {
          // The run of this upload starts with Pipeline Requested (or Pipeline Failed for a refused file) naming its key.
          const config = event.detail['config'] as { bucket?: unknown; key?: unknown } | undefined;
          if (config?.key !== configKey || config.bucket !== target.bucketName || eventRunId === undefined) continue;
          if (event.detailType !== 'Pipeline Requested' && event.detailType !== 'Pipeline Failed') continue;
          runId = eventRunId;
        } else if (eventRunId !== runId) continue;
        events.push(event);
        say(`${`+${seconds(Date.now() - startedAt)}`.padStart(8)}  ${event.detailType.padEnd(34)} ${describeEvent(event)}`);
        if (event.detailType === 'Pipeline Failed') {
          for (const error of (event.detail['errors'] as { path?: string; message?: string }[] | undefined) ?? [])
            say(`            ${error.path ?? '$'}: ${error.message ?? ''}`);
        }
        if (event.detailType === 'Pipeline Completed' || event.detailType === 'Pipeline Failed') {
          progress.done();
          const summary = summarizeRun(events);
          say();
          say(`Run ${runId} ${summary.outcome} in ${seconds(Date.now() - startedAt)}. Steps:`);
          for (const line of formatSteps(summary)) say(line);
          return {
            runId,
            outcome: event.detailType === 'Pipeline Completed' ? 'completed' : 'failed',
            configKey,
            uploaded,
            events,
            ...(summary.reason ? { reason: summary.reason } : {}),
          };
        }
      }
    }
    progress.done();
    say(
      `recops run: the run did not end within ${options.timeoutSeconds} s${runId ? ` (run ${runId}; "recops status ${runId}" shows where it stands)` : ': no event of it arrived'}`,
    );
    return { ...(runId ? { runId } : {}), outcome: 'timed-out', configKey, uploaded, events };
  } finally {
    progress.done();
    await tap?.close();
  }
}
