import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Logger } from 'nestjs-pino';
import { createApp } from './app.factory';
import { ConfigError, loadConfig } from './config/app-config';
import { EmbeddedDatabase, EmbeddedDatabaseUnavailable } from './database/embedded-database';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  let embedded: EmbeddedDatabase | undefined;
  if (!config.mongodbUri) {
    const dataDir = resolve(config.dataDir);
    mkdirSync(dataDir, { recursive: true });
    embedded = await EmbeddedDatabase.start({
      dataFile: join(dataDir, 'embedded-db.mv'),
      cacheDir: dataDir,
      startTimeoutMs: config.embeddedDbStartTimeoutMs,
    });
    config.mongodbUri = `${embedded.uri}/live`;
  }
  const app = await createApp(config);
  const logger = app.get(Logger);
  await app.listen({ port: config.port, host: config.host });
  logger.log(
    {
      url: await app.getUrl(),
      database: embedded ? embedded.description : 'MongoDB at MONGODB_URI',
      redis: config.redisUrl ? 'REDIS_URL' : 'none (single instance)',
    },
    'Live backend listening; Swagger UI at /api/docs',
    'Bootstrap',
  );

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.log({ signal }, 'shutting down', 'Bootstrap');
    await app.close();
    await embedded?.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof EmbeddedDatabaseUnavailable) {
    console.error(error.message);
  } else {
    console.error(error);
  }
  process.exit(1);
});
