import { DynamicModule, Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { MetricsController } from './metrics.controller';
import { metricProviders } from './metrics';

/** Prometheus at /metrics, and the app's metric objects, injectable anywhere with @InjectMetric(METRIC.x). */
@Module({})
export class MetricsModule {
  /** Registers the default metrics when called (createApp clears the global registry first). */
  static forRoot(): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      imports: [
        PrometheusModule.register({
          path: '/metrics',
          controller: MetricsController,
          defaultMetrics: { enabled: true },
        }),
      ],
      providers: metricProviders,
      exports: metricProviders,
    };
  }
}
