import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, QueryFilter, Types } from 'mongoose';
import { AuthUser } from '../auth/auth-user';
import { ChatService } from '../chat/chat.service';
import { DomainEvents } from '../common/domain-events';
import { DomainError } from '../common/errors';
import { isDuplicateKey } from '../common/mongo-errors';
import { isObjectIdString } from '../common/object-id.pipe';
import { keysetFilter, keysetPage, Page } from '../common/pagination';
import { StreamsService } from '../streams/streams.service';
import { ViewersService } from '../viewers/viewers.service';
import { CreateReportDto, ListReportsQuery, ReportView, ResolveReportDto } from './dto/report.dto';
import { ModerationService } from './moderation.service';
import { Report, ReportAction, ReportTargetType } from './schemas/report.schema';

type ReportRecord = Report & { _id: Types.ObjectId };

/** What a report is about, found and checked when it is made. */
interface Target {
  liveId: string | null;
  targetUserId: string;
  targetText: string | null;
}

/** Which targets each resolution applies to. */
const APPLIES_TO: Record<ReportAction, ReportTargetType[]> = {
  dismiss: ['live', 'message', 'user'],
  delete_message: ['message'],
  kick: ['message', 'user'],
  ban_from_live: ['message', 'user'],
  ban_from_app: ['live', 'message', 'user'],
  end_live: ['live', 'message', 'user'],
};

/** Reports by users, and their resolution by admins. */
@Injectable()
export class ReportsService {
  constructor(
    @InjectModel(Report.name) private readonly reports: Model<Report>,
    private readonly streams: StreamsService,
    private readonly viewers: ViewersService,
    private readonly chat: ChatService,
    private readonly moderation: ModerationService,
    private readonly events: DomainEvents,
  ) {}

  /**
   * Files a report. While the reporter's report on the same target is open, a new one answers that
   * one (`created: false`): one unique key per open report, so two at once also make one.
   */
  async create(user: AuthUser, dto: CreateReportDto): Promise<{ report: ReportView; created: boolean }> {
    const target = await this.findTarget(user, dto);
    const openKey = `${user.userId}\u0000${dto.targetType}\u0000${dto.targetId}`;
    try {
      const created = await this.reports.create({
        reporterId: user.userId,
        targetType: dto.targetType,
        targetId: dto.targetId,
        liveId: target.liveId ? new Types.ObjectId(target.liveId) : null,
        targetUserId: target.targetUserId,
        targetText: target.targetText,
        reason: dto.reason,
        text: dto.text ?? null,
        status: 'open',
        openKey,
      });
      return { report: toReportView(created.toObject()), created: true };
    } catch (error) {
      if (!isDuplicateKey(error, 'openKey')) throw error;
      const first = await this.reports.findOne({ openKey }).lean();
      if (!first) return this.create(user, dto); // resolved in between: this one is new
      return { report: toReportView(first), created: false };
    }
  }

  /** The queue: open reports by default, newest first. */
  async list(query: ListReportsQuery): Promise<Page<ReportView>> {
    const filter: QueryFilter<Report> = {
      status: query.status ?? 'open',
      ...keysetFilter('createdAt', 'date', query.cursor),
    };
    if (query.targetType) filter.targetType = query.targetType;
    if (query.targetId) filter.targetId = query.targetId;
    const docs = await this.reports
      .find(filter)
      .sort({ createdAt: -1, _id: -1 })
      .limit(query.limit + 1)
      .lean();
    return keysetPage(docs, query.limit, toReportView, (report) => report.createdAt);
  }

  /**
   * Resolves a report once: the claim (open -> resolved) is one conditional write, so of two admins
   * at once one wins and the other gets 409 REPORT_ALREADY_RESOLVED. The action runs after the
   * claim; if it meets a refusal (the live ended meanwhile...), the decision stands and its code is
   * the result.
   */
  async resolve(admin: AuthUser, reportId: string, dto: ResolveReportDto): Promise<ReportView> {
    const report = await this.reports.findById(reportId).lean();
    if (!report) throw new DomainError('REPORT_NOT_FOUND', `No report with id ${reportId}.`);
    if (report.status !== 'open') throw alreadyResolved(report);
    if (!APPLIES_TO[dto.action].includes(report.targetType) || (needsLive(dto.action) && !report.liveId)) {
      throw new DomainError(
        'ACTION_NOT_APPLICABLE',
        `'${dto.action}' does not apply to a ${report.targetType} report${report.liveId ? '' : ' without a live'}.`,
      );
    }
    const resolution = {
      action: dto.action,
      durationMs: dto.durationMs ?? null,
      note: dto.note ?? null,
      actorId: admin.userId,
      at: new Date(),
      result: 'pending',
    };
    const claimed = await this.reports
      .findOneAndUpdate(
        { _id: reportId, status: 'open' },
        { $set: { status: 'resolved', resolution }, $unset: { openKey: 1 } },
        { returnDocument: 'after' },
      )
      .lean();
    if (!claimed) throw alreadyResolved((await this.reports.findById(reportId).lean())!);
    const result = await this.apply(admin, claimed, dto).then(
      () => 'applied',
      (error: unknown) => {
        if (error instanceof DomainError) return error.code;
        throw error;
      },
    );
    const done = await this.reports
      .findOneAndUpdate({ _id: reportId }, { $set: { 'resolution.result': result } }, { returnDocument: 'after' })
      .lean();
    this.events.emit('moderation.action', {
      actorId: admin.userId,
      action: 'resolve_report',
      targetType: 'report',
      targetId: reportId,
      liveId: claimed.liveId?.toString() ?? null,
      reason: claimed.reason,
      result: {
        action: dto.action,
        outcome: result,
        durationMs: dto.durationMs ?? null,
        targetUserId: claimed.targetUserId,
      },
    });
    return toReportView(done!);
  }

  private async apply(admin: AuthUser, report: ReportRecord, dto: ResolveReportDto): Promise<void> {
    const liveId = report.liveId?.toString();
    switch (dto.action) {
      case 'dismiss':
        return;
      case 'delete_message':
        await this.chat.deleteByAdmin(report.targetId, admin.userId);
        return;
      case 'kick':
      case 'ban_from_live':
        await this.streams.kickByAdmin(liveId!, admin.userId, report.targetUserId, dto.durationMs);
        return;
      case 'ban_from_app':
        await this.moderation.banUser(admin.userId, report.targetUserId, dto.durationMs, report.reason, dto.note);
        return;
      case 'end_live':
        await this.streams.endByAdmin(liveId!);
        return;
    }
  }

  private async findTarget(user: AuthUser, dto: CreateReportDto): Promise<Target> {
    switch (dto.targetType) {
      case 'live': {
        if (!isObjectIdString(dto.targetId)) throw invalidId(dto.targetId);
        const live = await this.streams.findLive(dto.targetId);
        if (live.hostId === user.userId) throw reportingSelf();
        return { liveId: dto.targetId, targetUserId: live.hostId, targetText: null };
      }
      case 'message': {
        if (!isObjectIdString(dto.targetId)) throw invalidId(dto.targetId);
        const message = await this.chat.findMessage(dto.targetId);
        if (message.sender.userId === user.userId) throw reportingSelf();
        return { liveId: message.liveStreamId, targetUserId: message.sender.userId, targetText: message.text };
      }
      case 'user': {
        if (dto.targetId === user.userId) throw reportingSelf();
        if (!(await this.isKnownUser(dto.targetId, dto.liveId))) {
          throw new DomainError(
            'USER_NOT_FOUND',
            `No user ${dto.targetId} ${dto.liveId ? 'in that live' : 'is known'}.`,
          );
        }
        return { liveId: dto.liveId ?? null, targetUserId: dto.targetId, targetText: null };
      }
    }
  }

  /** Users come from tokens: one is known here once they hosted or joined a live (that live, when given). */
  private async isKnownUser(userId: string, liveId?: string): Promise<boolean> {
    if (liveId) {
      const live = await this.streams.findLive(liveId);
      return live.hostId === userId || live.coHostIds.includes(userId) || this.viewers.hasVisited(userId, liveId);
    }
    return (await this.viewers.hasVisited(userId)) || this.streams.hasHosted(userId);
  }
}

const needsLive = (action: ReportAction) => action === 'kick' || action === 'ban_from_live' || action === 'end_live';

function alreadyResolved(report: ReportRecord): DomainError {
  return new DomainError('REPORT_ALREADY_RESOLVED', 'This report was already resolved.', {
    resolution: report.resolution ? { action: report.resolution.action, actorId: report.resolution.actorId } : null,
  });
}

const reportingSelf = () =>
  new DomainError('CANNOT_TARGET_SELF', 'You cannot report yourself (or your own live or message).');
const invalidId = (id: string) => new DomainError('INVALID_ID', `'${id}' is not a valid id.`);

export function toReportView(report: ReportRecord): ReportView {
  const resolution = report.resolution;
  return {
    id: report._id.toString(),
    reporterId: report.reporterId,
    targetType: report.targetType,
    targetId: report.targetId,
    liveId: report.liveId?.toString() ?? null,
    targetUserId: report.targetUserId,
    targetText: report.targetText ?? null,
    reason: report.reason,
    text: report.text ?? null,
    status: report.status,
    resolution: resolution
      ? {
          action: resolution.action,
          durationMs: resolution.durationMs ?? null,
          note: resolution.note ?? null,
          actorId: resolution.actorId,
          at: resolution.at.toISOString(),
          result: resolution.result,
        }
      : null,
    createdAt: report.createdAt.toISOString(),
  };
}
