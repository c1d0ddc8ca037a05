import { GetObjectTaggingCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createDocument, DocumentFormatError, readDocument, updateDocument, writeDocument } from '@recops/core/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestCloud, type TestCloud } from '../e2e/support/local';

const counter = z.object({ count: z.number().int(), by: z.array(z.string()) });

describe('Module: conditional documents', () => {
  let test: TestCloud;
  beforeAll(async () => {
    test = await startTestCloud();
  });
  afterAll(async () => test.close());

  it('creates a document only if absent and replaces only the version that was read', async () => {
    const { s3 } = test.clients;
    expect(await readDocument(s3, test.bucket, 'runs/d/r/doc.json', counter)).toBeUndefined();
    expect(await createDocument(s3, test.bucket, 'runs/d/r/doc.json', { count: 1, by: ['a'] })).toBe('written');
    expect(await createDocument(s3, test.bucket, 'runs/d/r/doc.json', { count: 9, by: ['b'] })).toBe('lost-race');
    const first = await readDocument(s3, test.bucket, 'runs/d/r/doc.json', counter);
    expect(first?.value).toEqual({ count: 1, by: ['a'] });
    expect(await writeDocument(s3, test.bucket, 'runs/d/r/doc.json', { count: 2, by: ['a', 'c'] }, first?.etag)).toBe('written');
    expect(await writeDocument(s3, test.bucket, 'runs/d/r/doc.json', { count: 3, by: ['stale'] }, first?.etag)).toBe('lost-race');
    expect((await readDocument(s3, test.bucket, 'runs/d/r/doc.json', counter))?.value).toEqual({ count: 2, by: ['a', 'c'] });
  });

  it('loses no update when many writers change one document at once', async () => {
    const writers = Array.from({ length: 6 }, (_, i) => `w${i}`);
    await Promise.all(
      writers.map((writer) =>
        updateDocument(
          test.clients.s3,
          test.bucket,
          'runs/d/r/counter.json',
          counter,
          (current) => ({ count: (current?.count ?? 0) + 1, by: [...(current?.by ?? []), writer] }),
          { attempts: 50 },
        ),
      ),
    );
    const stored = await readDocument(test.clients.s3, test.bucket, 'runs/d/r/counter.json', counter);
    expect(stored?.value.count).toBe(6);
    expect([...(stored?.value.by ?? [])].sort()).toEqual(writers);
  });

  it('names the object and the field when a stored document does not match its schema', async () => {
    const put = (key: string, body: string) => test.clients.s3.send(new PutObjectCommand({ Bucket: test.bucket, Key: key, Body: body }));
    await put('runs/d/r/bad.json', '{"count":"two","by":[]}');
    await put('runs/d/r/text.json', 'count=2');
    await expect(readDocument(test.clients.s3, test.bucket, 'runs/d/r/bad.json', counter)).rejects.toThrow(DocumentFormatError);
    await expect(readDocument(test.clients.s3, test.bucket, 'runs/d/r/bad.json', counter)).rejects.toThrow(
      `s3://${test.bucket}/runs/d/r/bad.json is not a valid document: count: Invalid input: expected number, received string`,
    );
    await expect(readDocument(test.clients.s3, test.bucket, 'runs/d/r/text.json', counter)).rejects.toThrow(
      `s3://${test.bucket}/runs/d/r/text.json is not a valid document: not JSON`,
    );
  });

  it('writes the tags it is given with the document', async () => {
    const tags = { 'recops-run': 'finished' };
    expect(await createDocument(test.clients.s3, test.bucket, 'runs/d/r/tagged.json', { count: 0, by: [] }, { tags })).toBe('written');
    const tagging = await test.clients.s3.send(new GetObjectTaggingCommand({ Bucket: test.bucket, Key: 'runs/d/r/tagged.json' }));
    expect(tagging.TagSet).toEqual([{ Key: 'recops-run', Value: 'finished' }]);
  });
});
