import {
  InvalidInputException,
  LimitExceededException,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-personalize';
import { describe, expect, it } from 'vitest';
import { ErrorClass, ResourceNotReadyError, classifyError, toOpsError } from '@recops/core/ops';

const meta = { $metadata: {} };

describe('Function: classifyError', () => {
  it.each([
    [
      'LimitExceededException',
      new LimitExceededException({ message: 'More than 5 resources with PENDING or IN_PROGRESS status.', ...meta }),
    ],
    ['ResourceInUseException', new ResourceInUseException({ message: 'busy', ...meta })],
    ['ThrottlingException', Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })],
    ['a 503 response', Object.assign(new Error('unavailable'), { name: 'Unknown', $metadata: { httpStatusCode: 503 } })],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['a resource not ACTIVE yet', new ResourceNotReadyError('arn:aws:personalize:us-east-1:1:dataset-group/g', 'CREATE PENDING')],
  ])('returns retryable for %s', (_label, error) => {
    expect(classifyError(error)).toBe(ErrorClass.retryable);
  });

  it.each([
    ['InvalidInputException', new InvalidInputException({ message: 'bad name', ...meta })],
    ['ResourceNotFoundException', new ResourceNotFoundException({ message: 'no such thing', ...meta })],
    ['a plain error', new Error('boom')],
    ['a string', 'boom'],
  ])('returns permanent for %s', (_label, error) => {
    expect(classifyError(error)).toBe(ErrorClass.permanent);
  });
});

describe('Function: toOpsError', () => {
  it('says what was attempted and keeps the original as cause', () => {
    const original = new InvalidInputException({ message: 'Invalid name', ...meta });
    const wrapped = toOpsError(original, 'CreateFilter f1');
    expect(wrapped.message).toBe('CreateFilter f1 failed: InvalidInputException: Invalid name');
    expect(wrapped.retryable).toBe(false);
    expect(wrapped.cause).toBe(original);
  });
});
