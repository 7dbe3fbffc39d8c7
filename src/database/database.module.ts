import { Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { InjectConnection, MongooseModule } from '@nestjs/mongoose';
import { Connection } from 'mongoose';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ensureAllIndexes } from './indexes';

@Module({
  imports: [
    MongooseModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        uri: config.mongodbUri,
        // Indexes are built before the app serves (see below): the invariants rest on unique indexes.
        autoIndex: false,
        serverSelectionTimeoutMS: 10_000,
        // Command events let tests and bench:ops count the round trips of each action. Off by
        // default: the driver then decodes every reply a second time, about a tenth of a join's CPU.
        monitorCommands: config.mongodbCommandMonitoring,
      }),
    }),
  ],
})
export class DatabaseModule implements OnApplicationBootstrap {
  private readonly logger = new Logger('Database');

  constructor(@InjectConnection() private readonly connection: Connection) {}

  async onApplicationBootstrap(): Promise<void> {
    await ensureAllIndexes(Object.values(this.connection.models));
    this.logger.log({ database: this.connection.name, models: Object.keys(this.connection.models) }, 'indexes ready');
  }
}
