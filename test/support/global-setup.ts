import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EmbeddedDatabase } from '../../src/database/embedded-database';

/**
 * One database server per test run: MONGODB_URI when set (a real MongoDB), otherwise the
 * embedded server in memory. Each test file then uses a database of its own on it.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.MONGODB_URI) {
    process.env.TEST_MONGODB_URI = process.env.MONGODB_URI;
    return;
  }
  const cacheDir = join(__dirname, '..', '..', 'data');
  mkdirSync(cacheDir, { recursive: true });
  const database = await EmbeddedDatabase.start({ cacheDir });
  (globalThis as { embeddedDatabase?: EmbeddedDatabase }).embeddedDatabase = database;
  process.env.TEST_MONGODB_URI = database.uri;
}
