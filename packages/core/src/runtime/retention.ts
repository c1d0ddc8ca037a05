/**
 * The tags of run documents (see @recops/platform's retention.ts): every document under
 * `runs/<dsg>/<runId>/` is written with the open-run tag (`runDocumentTags`, applied by the
 * conditional document writer), and gets the finished-run tag once the run is over
 * (`tagRunDocuments`). Tagging is idempotent, so a redelivery may tag again.
 */
import { ListObjectsV2Command, PutObjectTaggingCommand, type S3Client } from '@aws-sdk/client-s3';
import { FINISHED_RUN_TAG, OPEN_RUN_TAG, RUNS_PREFIX } from '@recops/platform';
import { runDocumentsPrefix } from './locations';

/** The finished-run tag as a conditional write's `tags`. */
export const FINISHED_RUN_TAGS: Readonly<Record<string, string>> = { [FINISHED_RUN_TAG.key]: FINISHED_RUN_TAG.value };

/**
 * The tags a document at `key` is written with: the open-run tag under `runs/<dsg>/<runId>/`, none
 * elsewhere (`runs/<dsg>/schedules.json` outlives runs and never expires).
 */
export function runDocumentTags(key: string): Readonly<Record<string, string>> | undefined {
  if (!key.startsWith(RUNS_PREFIX)) return undefined;
  return key.slice(RUNS_PREFIX.length).split('/').length >= 3 ? { [OPEN_RUN_TAG.key]: OPEN_RUN_TAG.value } : undefined;
}

/** Tags every document of the run; resolves to how many were tagged. */
export async function tagRunDocuments(s3: S3Client, bucket: string, datasetGroupName: string, runId: string): Promise<number> {
  const prefix = runDocumentsPrefix(datasetGroupName, runId);
  let tagged = 0;
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token !== undefined && { ContinuationToken: token }) }),
    );
    for (const object of page.Contents ?? []) {
      if (object.Key === undefined) continue;
      try {
        await s3.send(
          new PutObjectTaggingCommand({
            Bucket: bucket,
            Key: object.Key,
            Tagging: { TagSet: [{ Key: FINISHED_RUN_TAG.key, Value: FINISHED_RUN_TAG.value }] },
          }),
        );
        tagged += 1;
      } catch (error) {
        // Deleted since the listing: nothing left to expire.
        if ((error as { name?: string }).name !== 'NoSuchKey') throw error;
      }
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return tagged;
}
