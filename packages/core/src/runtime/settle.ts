/**
 * Runs side-effecting branches side by side and returns only once every one of them has ended.
 * `Promise.all` rejects at the first failure while the others still run: the invocation then
 * ends with work in flight (Lambda freezes it; the local cloud fences its clients), and a branch
 * holding a claim can neither finish nor give the claim up, so every retry waits out the claim's
 * deadline. Here the first failure (in input order) is thrown after all have settled.
 */
export async function settleAll<T>(branches: readonly Promise<T>[]): Promise<T[]> {
  const outcomes = await Promise.allSettled(branches);
  const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  return outcomes.map((outcome) => (outcome as PromiseFulfilledResult<T>).value);
}
