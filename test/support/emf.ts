/** Reading the metrics a test emits: Powertools writes them as EMF documents to stdout. */
import { vi } from 'vitest';

/** The EMF documents Powertools writes to stdout while `work` runs (CloudWatch reads them there). */
export async function emfDocuments(work: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const emitted: Record<string, unknown>[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    const text = String(chunk).trim();
    if (text.includes('"_aws"')) emitted.push(JSON.parse(text) as Record<string, unknown>);
    return true;
  });
  try {
    await work();
  } finally {
    write.mockRestore();
  }
  return emitted;
}
