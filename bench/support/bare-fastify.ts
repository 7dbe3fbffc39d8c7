/** A bare Fastify server with one JSON route, for the platform comparison (run as its own process). */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/health', async () => ({ status: 'ok', info: {}, error: {}, details: {} }));
app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' }).then(() => process.send?.('ready'));
