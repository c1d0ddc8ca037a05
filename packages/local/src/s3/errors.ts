/**
 * S3 errors as S3 names them. The service renders them as S3's `<Error>` XML, so SDK v3 raises the
 * typed exceptions (`NoSuchKey`, `NoSuchBucket`, …) and the AWS CLI prints the real codes.
 */
import { LocalCloudError } from '../errors';

export class S3Error extends LocalCloudError {
  override readonly name: string = 'S3Error';
  constructor(
    /** S3 error code, e.g. `NoSuchKey`; also what BlobStore callers see as `code`. */
    readonly code: string,
    readonly status: number,
    message: string,
    /** Extra `<Error>` children S3 adds (e.g. `Key`, `BucketName`, `UploadId`). */
    readonly details: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export const noSuchBucket = (bucket: string): S3Error =>
  new S3Error('NoSuchBucket', 404, 'The specified bucket does not exist', { BucketName: bucket });
export const noSuchKey = (key: string): S3Error => new S3Error('NoSuchKey', 404, 'The specified key does not exist.', { Key: key });
export const noSuchUpload = (uploadId: string): S3Error =>
  new S3Error(
    'NoSuchUpload',
    404,
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
    { UploadId: uploadId },
  );
export const preconditionFailed = (condition: string): S3Error =>
  new S3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold', { Condition: condition });
export const invalidArgument = (message: string, name?: string, value?: string): S3Error =>
  new S3Error('InvalidArgument', 400, message, name === undefined ? {} : { ArgumentName: name, ArgumentValue: value ?? '' });
export const invalidRequest = (message: string): S3Error => new S3Error('InvalidRequest', 400, message);
export const malformedXml = (): S3Error =>
  new S3Error('MalformedXML', 400, 'The XML you provided was not well-formed or did not validate against our published schema');
