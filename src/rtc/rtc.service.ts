import { Inject, Injectable } from '@nestjs/common';
import { RtcRole as AgoraRole, RtcTokenBuilder } from 'agora-token';
import { AuthUser } from '../auth/auth-user';
import { DomainError } from '../common/errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { SeatsService } from '../seats/seats.service';
import { roleIn } from '../streams/live-roles';
import { LiveStream } from '../streams/schemas/live-stream.schema';
import { StreamsService } from '../streams/streams.service';
import { RtcCredentialsView, RtcRole } from './dto/rtc-credentials.view';

/**
 * RTC credentials whose publish right follows the seat and host state: the host, the co-hosts
 * and seated speakers publish, everyone else subscribes. Tokens are short-lived, so a speaker who
 * lost the seat gets a subscriber token at the next renewal.
 *
 * Note: Agora enforces the subscriber role only when the Agora project enables co-host
 * authentication; otherwise a subscriber token can still publish (the package's own caveat).
 */
@Injectable()
export class RtcService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly streams: StreamsService,
    private readonly seats: SeatsService,
  ) {}

  async credentials(liveId: string, user: AuthUser): Promise<RtcCredentialsView> {
    const live = await this.streams.requireActiveLive(liveId, user.userId);
    const moderator = roleIn(live, user.userId) !== 'member';
    const publishes = moderator || (live.liveType !== 'live' && (await this.seats.isSeated(liveId, user.userId)));
    return this.channelCredentials(live, user, publishes ? 'publisher' : 'subscriber', this.config.rtc.tokenTtlMs);
  }

  /**
   * Credentials for a live's media channel with the role the caller decided (also used to watch,
   * or publish into, a connected live's channel). Agora tokens live `ttlMs` (rounded up to seconds).
   */
  channelCredentials(
    live: Pick<LiveStream, 'liveType' | 'streamingChannel' | 'callId'>,
    user: AuthUser,
    role: RtcRole,
    ttlMs: number,
  ): RtcCredentialsView {
    const ids = { channel: live.streamingChannel, callId: live.callId, uid: user.uid, userId: user.userId };
    if (live.liveType === 'live') {
      // ZEGOCLOUD's prebuilt kits (the app's setup) sign with the app's own key on the client;
      // no maintained server-side ZEGOCLOUD token package is used here, so only the ids go out.
      return { provider: 'zegocloud', appId: null, ...ids, token: null, role, expiresAt: null };
    }
    const agora = this.config.rtc.agora;
    if (!agora) throw new DomainError('RTC_NOT_CONFIGURED', 'Agora credentials are not configured on this server.');
    const ttlSeconds = Math.ceil(ttlMs / 1000);
    const token = RtcTokenBuilder.buildTokenWithUid(
      agora.appId,
      agora.appCertificate,
      live.streamingChannel,
      user.uid,
      role === 'publisher' ? AgoraRole.PUBLISHER : AgoraRole.SUBSCRIBER,
      ttlSeconds,
      ttlSeconds,
    );
    return {
      provider: 'agora',
      appId: agora.appId,
      ...ids,
      token,
      role,
      expiresAt: new Date(Date.now() + ttlSeconds * 1000).toISOString(),
    };
  }
}
