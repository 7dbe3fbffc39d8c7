import { Global, Module } from '@nestjs/common';
import { metricProviders } from './metrics';

/** The app's metric objects, injectable anywhere with @InjectMetric(METRIC.x). */
@Global()
@Module({ providers: metricProviders, exports: metricProviders })
export class MetricsModule {}
