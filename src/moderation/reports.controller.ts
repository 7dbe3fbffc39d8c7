import { Body, Controller, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { ApiErrors } from '../common/api-errors.decorator';
import { CreateReportDto, ReportView } from './dto/report.dto';
import { ReportsService } from './reports.service';

@ApiTags('moderation')
@ApiBearerAuth()
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Post()
  @ApiOperation({
    summary: 'Report a live, a message or a user',
    description:
      'Answers 201 with the new report, or 200 with your report on the same target while it is still open. ' +
      'A report never names other reporters.',
  })
  @ApiResponse({ status: 201, type: ReportView, description: 'A new report' })
  @ApiOkResponse({ type: ReportView, description: 'Your open report on this target, made earlier' })
  @ApiErrors(
    'UNAUTHENTICATED',
    'BANNED',
    'INVALID_ID',
    'CANNOT_TARGET_SELF',
    'LIVE_NOT_FOUND',
    'MESSAGE_NOT_FOUND',
    'USER_NOT_FOUND',
  )
  async create(
    @CurrentUser() user: AuthUser,
    @Body() body: CreateReportDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReportView> {
    const { report, created } = await this.reports.create(user, body);
    void reply.status(created ? 201 : 200);
    return report;
  }
}
