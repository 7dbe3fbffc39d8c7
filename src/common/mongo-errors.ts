/** True when a write failed on a unique index; `index` narrows it to one index by field name. */
export function isDuplicateKey(error: unknown, field?: string): boolean {
  const e = error as { code?: number; keyPattern?: Record<string, unknown>; message?: string };
  if (e?.code !== 11000) return false;
  if (!field) return true;
  if (e.keyPattern) return field in e.keyPattern;
  return typeof e.message === 'string' && e.message.includes(field);
}

/**
 * Runs an upsert, and once more if it failed on a unique index: two identical upserts racing
 * can both miss and both insert, and the loser gets E11000 (MongoDB documents that such an
 * upsert should be retried). The retry finds the winner's document and updates it.
 */
export async function upsertWithRetry<T>(upsert: () => Promise<T>): Promise<T> {
  try {
    return await upsert();
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    return upsert();
  }
}
