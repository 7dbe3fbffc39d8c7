import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const CONSOLE_PATH = '/console';

/** Third-party files the page loads, served from the installed packages (the page loads nothing from outside). */
const VENDOR: Record<string, { file: string; type: string }> = {
  'chart.umd.min.js': { file: join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), type: 'text/javascript' },
  'pico.min.css': { file: require.resolve('@picocss/pico'), type: 'text/css' },
  'socket.io.min.js': {
    file: join(dirname(require.resolve('socket.io')), '..', 'client-dist', 'socket.io.min.js'),
    type: 'text/javascript',
  },
};

/**
 * The operator console: a static page (its own files in `public/`, copied next to the build) that
 * signs in with an admin token and talks to the same REST API and socket as any client.
 */
export async function serveConsole(app: NestFastifyApplication): Promise<void> {
  const http = app.getHttpAdapter().getInstance();
  for (const [name, { file, type }] of Object.entries(VENDOR)) {
    const body = readFileSync(file);
    http.get(`${CONSOLE_PATH}/vendor/${name}`, async (_request, reply) =>
      reply.type(type).header('cache-control', 'public, max-age=86400').send(body),
    );
  }
  http.get(CONSOLE_PATH, async (_request, reply) => reply.redirect(`${CONSOLE_PATH}/`));
  await app.register(fastifyStatic, {
    root: join(__dirname, 'public'),
    prefix: `${CONSOLE_PATH}/`,
    decorateReply: false,
  });
}
