import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminGuard } from '../auth/admin.guard';
import { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { ApiErrors } from '../common/api-errors.decorator';
import { ErrorCode } from '../common/errors';
import { ObjectIdParam } from '../common/object-id.pipe';
import { PageQuery } from '../common/pagination';
import { UserIdPipe } from '../common/user-id.pipe';
import { AuditLogService } from './audit-log.service';
import { BansService } from './bans.service';
import { AuditPage, ListAuditQuery } from './dto/audit.dto';
import { BanPage, BanUserDto, BanView, UnbanView } from './dto/ban.dto';
import { ListReportsQuery, ReportPage, ReportView, ResolveReportDto } from './dto/report.dto';
import { ModerationService } from './moderation.service';
import { ReportsService } from './reports.service';

const ADMIN_ERRORS: ErrorCode[] = ['UNAUTHENTICATED', 'ADMIN_ONLY'];

/** The admins' side of trust and safety: the report queue, app-wide bans, the audit log. */
@ApiTags('moderation')
@ApiBearerAuth()
@UseGuards(AdminGuard)
@Controller('admin')
export class AdminController {
  constructor(
    private readonly reports: ReportsService,
    private readonly moderation: ModerationService,
    private readonly bans: BansService,
    private readonly audit: AuditLogService,
  ) {}

  @Get('reports')
  @ApiOperation({ summary: 'The report queue (admins): open reports by default, newest first' })
  @ApiErrors(...ADMIN_ERRORS)
  listReports(@Query() query: ListReportsQuery): Promise<ReportPage> {
    return this.reports.list(query);
  }

  @Post('reports/:id/resolve')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Resolve a report with an action (admins); a report is resolved once',
    description:
      "dismiss, delete_message (message reports), kick and ban_from_live (from the report's live, durationMs optional), " +
      "ban_from_app (durationMs, or for good), end_live. The resolution records the action's result: " +
      "'applied', or the code it met (e.g. LIVE_ENDED).",
  })
  @ApiErrors(...ADMIN_ERRORS, 'INVALID_ID', 'REPORT_NOT_FOUND', 'REPORT_ALREADY_RESOLVED', 'ACTION_NOT_APPLICABLE')
  resolve(
    @ObjectIdParam('id') id: string,
    @CurrentUser() user: AuthUser,
    @Body() body: ResolveReportDto,
  ): Promise<ReportView> {
    return this.reports.resolve(user, id, body);
  }

  @Post('bans')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Ban a user from the app (admins), for durationMs or for good; banning again sets the new end',
    description:
      'Answers once the ban holds everywhere: every request of the user answers 403 BANNED, their sockets got ' +
      "auth:banned and are disconnected on every instance, they are out of every running live, and their own live ended ('host_banned').",
  })
  @ApiErrors(...ADMIN_ERRORS, 'CANNOT_TARGET_SELF')
  ban(@CurrentUser() user: AuthUser, @Body() body: BanUserDto): Promise<BanView> {
    return this.moderation.ban(user, body);
  }

  @Delete('bans/:userId')
  @ApiOperation({ summary: 'Lift a ban (admins); idempotent: lifting none answers 200 with lifted false' })
  @ApiErrors(...ADMIN_ERRORS)
  unban(@Param('userId', UserIdPipe) userId: string, @CurrentUser() user: AuthUser): Promise<UnbanView> {
    return this.moderation.unban(user, userId);
  }

  @Get('bans')
  @ApiOperation({ summary: 'The bans in force (admins), newest first' })
  @ApiErrors(...ADMIN_ERRORS)
  listBans(@Query() query: PageQuery): Promise<BanPage> {
    return this.bans.list(query);
  }

  @Get('audit')
  @ApiOperation({ summary: 'Every moderator and admin action (admins), newest first' })
  @ApiErrors(...ADMIN_ERRORS)
  listAudit(@Query() query: ListAuditQuery): Promise<AuditPage> {
    return this.audit.list(query);
  }
}
