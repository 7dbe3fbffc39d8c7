import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser } from '../auth/auth-user';
import { BanCheckedInGate } from '../auth/ban-check.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import { ApiErrors, LIVE_ROUTE_ERRORS } from '../common/api-errors.decorator';
import { ErrorCode } from '../common/errors';
import { ObjectIdParam } from '../common/object-id.pipe';
import { LiveView } from '../streams/dto/live.view';
import { InviteToSeatDto, MicDto, MoveSeatDto, OptionalSeatIndexDto, SeatModeDto } from './dto/seat-actions.dto';
import { SeatInviteView, SeatRequestView, SeatView } from './dto/seat.view';
import { SeatIndexParam } from './seat-index.pipe';
import { SeatTicketsService } from './seat-tickets.service';
import { SeatsService } from './seats.service';

/** Refusals every seat action shares. */
const LIVE_CODES: ErrorCode[] = [
  'INVALID_ID',
  'UNAUTHENTICATED',
  'LIVE_NOT_FOUND',
  'LIVE_ENDED',
  'REMOVED_FROM_LIVE',
  'WRONG_LIVE_TYPE',
];
/** A host's or co-host's action; CONFLICT: the co-hosts changed while it ran (retry). */
const HOST_CODES: ErrorCode[] = [...LIVE_CODES, 'NOT_HOST_OR_COHOST', 'INVALID_SEAT_INDEX', 'CONFLICT'];

@ApiTags('seats')
@ApiBearerAuth()
@Controller('live/:id/seats')
export class SeatsController {
  constructor(
    private readonly seats: SeatsService,
    private readonly tickets: SeatTicketsService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Every seat of a party/audio live, in index order' })
  @ApiOkResponse({ type: [SeatView] })
  @ApiErrors(...LIVE_ROUTE_ERRORS, 'WRONG_LIVE_TYPE')
  list(@ObjectIdParam('id') id: string): Promise<SeatView[]> {
    return this.seats.list(id);
  }

  // ---- the speaker's own actions -------------------------------------------------------------

  @Post(':index/join')
  @BanCheckedInGate()
  @ApiOperation({ summary: 'Take a free seat (free mode; host and co-hosts in any mode)' })
  @ApiErrors(
    ...LIVE_CODES,
    'INVALID_SEAT_INDEX',
    'HOST_SEAT',
    'SEAT_MODE',
    'SEAT_TAKEN',
    'SEAT_LOCKED',
    'ALREADY_ON_SEAT',
    'NOT_IN_LIVE',
  )
  take(
    @ObjectIdParam('id') id: string,
    @SeatIndexParam() index: number,
    @CurrentUser() user: AuthUser,
  ): Promise<SeatView> {
    return this.seats.take(id, user, index);
  }

  @Post(':index/leave')
  @BanCheckedInGate()
  @HttpCode(200)
  @ApiOperation({ summary: 'Leave your seat (you drop to audience)' })
  @ApiErrors(...LIVE_CODES, 'INVALID_SEAT_INDEX', 'NOT_ON_SEAT')
  leave(
    @ObjectIdParam('id') id: string,
    @SeatIndexParam() index: number,
    @CurrentUser() user: AuthUser,
  ): Promise<SeatView> {
    return this.seats.leave(id, user, index);
  }

  @Post(':index/move')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Move to the free seat :index in one step (with targetUserId: host/co-host moves that speaker)',
  })
  @ApiErrors(
    ...HOST_CODES,
    'HOST_SEAT',
    'SEAT_TAKEN',
    'SEAT_LOCKED',
    'NOT_ON_SEAT',
    'ALREADY_ON_SEAT',
    'CANNOT_TARGET_HOST',
    'CANNOT_TARGET_SELF',
  )
  move(
    @ObjectIdParam('id') id: string,
    @SeatIndexParam() index: number,
    @CurrentUser() user: AuthUser,
    @Body() body: MoveSeatDto,
  ): Promise<SeatView> {
    return body.targetUserId
      ? this.seats.moveSpeaker(id, user, body.targetUserId, index)
      : this.seats.move(id, user, index);
  }

  @Post(':index/mic')
  @HttpCode(200)
  @ApiOperation({ summary: 'Switch your own mic on or off (refused while the host muted your seat)' })
  @ApiErrors(...LIVE_CODES, 'INVALID_SEAT_INDEX', 'NOT_ON_SEAT', 'MUTED_BY_HOST')
  mic(
    @ObjectIdParam('id') id: string,
    @SeatIndexParam() index: number,
    @CurrentUser() user: AuthUser,
    @Body() body: MicDto,
  ): Promise<SeatView> {
    return this.seats.setMic(id, user, body.on, index);
  }

  // ---- host and co-host actions -----------------------------------------------------------------

  @Post(':index/lock')
  @HttpCode(200)
  @ApiOperation({ summary: 'Lock an empty seat (an occupied seat is refused: remove the speaker first). Idempotent.' })
  @ApiErrors(...HOST_CODES, 'HOST_SEAT', 'SEAT_OCCUPIED')
  lock(
    @ObjectIdParam('id') id: string,
    @SeatIndexParam() index: number,
    @CurrentUser() user: AuthUser,
  ): Promise<SeatView> {
    return this.seats.lock(id, user, index);
  }

  @Post(':index/unlock')
  @HttpCode(200)
  @ApiOperation({ summary: 'Unlock a seat. Idempotent.' })
  @ApiErrors(...HOST_CODES)
  unlock(
    @ObjectIdParam('id') id: string,
    @SeatIndexParam() index: number,
    @CurrentUser() user: AuthUser,
  ): Promise<SeatView> {
    return this.seats.unlock(id, user, index);
  }

  @Post(':index/mute')
  @HttpCode(200)
  @ApiOperation({ summary: 'Host-mute a seat: its speaker cannot unmute themself. Idempotent.' })
  @ApiErrors(...HOST_CODES, 'CANNOT_TARGET_HOST')
  mute(
    @ObjectIdParam('id') id: string,
    @SeatIndexParam() index: number,
    @CurrentUser() user: AuthUser,
  ): Promise<SeatView> {
    return this.seats.mute(id, user, index);
  }

  @Post(':index/unmute')
  @HttpCode(200)
  @ApiOperation({ summary: 'Lift the host mute (the speaker then switches their mic on). Idempotent.' })
  @ApiErrors(...HOST_CODES)
  unmute(
    @ObjectIdParam('id') id: string,
    @SeatIndexParam() index: number,
    @CurrentUser() user: AuthUser,
  ): Promise<SeatView> {
    return this.seats.unmute(id, user, index);
  }

  @Post(':index/remove')
  @HttpCode(200)
  @ApiOperation({ summary: "Take the seat's speaker off it (they drop to audience)" })
  @ApiErrors(...HOST_CODES, 'NOT_ON_SEAT', 'CANNOT_TARGET_HOST', 'CANNOT_TARGET_SELF')
  remove(
    @ObjectIdParam('id') id: string,
    @SeatIndexParam() index: number,
    @CurrentUser() user: AuthUser,
  ): Promise<SeatView> {
    return this.seats.remove(id, user, { index });
  }

  @Post('mode')
  @HttpCode(200)
  @ApiOperation({ summary: "Switch the seat mode between 'free' and 'request'" })
  @ApiErrors(...LIVE_CODES, 'NOT_HOST_OR_COHOST', 'CONFLICT')
  mode(@ObjectIdParam('id') id: string, @CurrentUser() user: AuthUser, @Body() body: SeatModeDto): Promise<LiveView> {
    return this.seats.setSeatMode(id, user, body.seatMode);
  }

  // ---- requests -----------------------------------------------------------------------------------------

  @Post('requests')
  @HttpCode(200)
  @ApiOperation({ summary: 'Apply for a seat (request mode); asking again renews the request' })
  @ApiErrors(...LIVE_CODES, 'INVALID_SEAT_INDEX', 'HOST_SEAT', 'SEAT_MODE', 'ALREADY_ON_SEAT', 'NOT_IN_LIVE')
  request(
    @ObjectIdParam('id') id: string,
    @CurrentUser() user: AuthUser,
    @Body() body: OptionalSeatIndexDto,
  ): Promise<SeatRequestView> {
    return this.tickets.request(id, user, body.seatIndex);
  }

  @Get('requests')
  @ApiOperation({ summary: 'Pending seat requests, oldest first (host and co-hosts)' })
  @ApiOkResponse({ type: [SeatRequestView] })
  @ApiErrors(...LIVE_CODES, 'NOT_HOST_OR_COHOST')
  requests(@ObjectIdParam('id') id: string, @CurrentUser() user: AuthUser): Promise<SeatRequestView[]> {
    return this.tickets.listRequests(id, user);
  }

  @Post('requests/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel your pending seat request' })
  @ApiErrors(...LIVE_CODES, 'NO_PENDING_REQUEST')
  cancelRequest(@ObjectIdParam('id') id: string, @CurrentUser() user: AuthUser): Promise<SeatRequestView> {
    return this.tickets.cancelRequest(id, user);
  }

  @Post('requests/:userId/accept')
  @HttpCode(200)
  @ApiOperation({ summary: 'Accept a request: seats the user on seatIndex, the seat asked for, or the first free one' })
  @ApiErrors(
    ...HOST_CODES,
    'NO_PENDING_REQUEST',
    'HOST_SEAT',
    'SEAT_TAKEN',
    'SEAT_LOCKED',
    'NO_FREE_SEAT',
    'ALREADY_ON_SEAT',
    'NOT_IN_LIVE',
  )
  acceptRequest(
    @ObjectIdParam('id') id: string,
    @Param('userId') userId: string,
    @CurrentUser() user: AuthUser,
    @Body() body: OptionalSeatIndexDto,
  ): Promise<SeatView> {
    return this.tickets.acceptRequest(id, user, userId, body.seatIndex);
  }

  @Post('requests/:userId/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject a pending request' })
  @ApiErrors(...LIVE_CODES, 'NOT_HOST_OR_COHOST', 'NO_PENDING_REQUEST')
  rejectRequest(
    @ObjectIdParam('id') id: string,
    @Param('userId') userId: string,
    @CurrentUser() user: AuthUser,
  ): Promise<SeatRequestView> {
    return this.tickets.rejectRequest(id, user, userId);
  }

  // ---- invitations ----------------------------------------------------------------------------------------

  @Post('invite')
  @HttpCode(200)
  @ApiOperation({ summary: 'Invite a viewer to a seat (host and co-hosts, either mode)' })
  @ApiErrors(...HOST_CODES, 'HOST_SEAT', 'ALREADY_ON_SEAT', 'NOT_IN_LIVE', 'CANNOT_TARGET_HOST', 'CANNOT_TARGET_SELF')
  invite(
    @ObjectIdParam('id') id: string,
    @CurrentUser() user: AuthUser,
    @Body() body: InviteToSeatDto,
  ): Promise<SeatInviteView> {
    return this.tickets.invite(id, user, body.targetUserId, body.seatIndex);
  }

  @Post('invites/accept')
  @HttpCode(200)
  @ApiOperation({ summary: 'Accept your invitation: seats you on the seat offered, or the first free one' })
  @ApiErrors(
    ...LIVE_CODES,
    'NO_PENDING_INVITE',
    'SEAT_TAKEN',
    'SEAT_LOCKED',
    'NO_FREE_SEAT',
    'ALREADY_ON_SEAT',
    'NOT_IN_LIVE',
  )
  acceptInvite(@ObjectIdParam('id') id: string, @CurrentUser() user: AuthUser): Promise<SeatView> {
    return this.tickets.acceptInvite(id, user);
  }

  @Post('invites/decline')
  @HttpCode(200)
  @ApiOperation({ summary: 'Decline your invitation' })
  @ApiErrors(...LIVE_CODES, 'NO_PENDING_INVITE')
  declineInvite(@ObjectIdParam('id') id: string, @CurrentUser() user: AuthUser): Promise<SeatInviteView> {
    return this.tickets.declineInvite(id, user);
  }
}
