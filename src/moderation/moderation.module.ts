import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ChatModule } from '../chat/chat.module';
import { StreamsModule } from '../streams/streams.module';
import { ViewersModule } from '../viewers/viewers.module';
import { AdminController } from './admin.controller';
import { AuditLogService } from './audit-log.service';
import { LiveModerationController } from './live-moderation.controller';
import { MeController } from './me.controller';
import { ModerationService } from './moderation.service';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';
import { AuditEntry, AuditEntrySchema } from './schemas/audit-entry.schema';
import { Report, ReportSchema } from './schemas/report.schema';

/** Trust and safety: reports and their resolution, app-wide bans and what follows them, the audit log. */
@Module({
  imports: [
    StreamsModule,
    ViewersModule,
    ChatModule,
    MongooseModule.forFeature([
      { name: Report.name, schema: ReportSchema },
      { name: AuditEntry.name, schema: AuditEntrySchema },
    ]),
  ],
  controllers: [ReportsController, AdminController, MeController, LiveModerationController],
  providers: [ModerationService, ReportsService, AuditLogService],
})
export class ModerationModule {}
