import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getToken } from '@willsoto/nestjs-prometheus';
import type { Histogram } from 'prom-client';
import { METRIC, UNMATCHED_ROUTE } from './metrics';

/**
 * Times every REST response by its route pattern (`/api/live/:id`, not the raw URL, so ids do not
 * become labels). Fastify measures the time itself (reply.elapsedTime); a callback hook, not an
 * async one, so no promise per request.
 */
export function observeHttpLatency(app: NestFastifyApplication): void {
  const histogram = app.get<Histogram<string>>(getToken(METRIC.httpDuration));
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', (request, reply, done) => {
      histogram.observe(
        {
          method: request.method,
          route: request.routeOptions.url ?? UNMATCHED_ROUTE,
          status: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      );
      done();
    });
}
