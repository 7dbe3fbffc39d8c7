import { Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser } from '../auth/auth-user';
import { BanCheckedInGate } from '../auth/ban-check.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import { ApiErrors, LIVE_ACTION_ERRORS, LIVE_ROUTE_ERRORS } from '../common/api-errors.decorator';
import { ObjectIdParam } from '../common/object-id.pipe';
import { TargetUserDto } from '../streams/dto/target-user.dto';
import { ChatMutesService } from './chat-mutes.service';
import { ChatService } from './chat.service';
import { ListMessagesQuery } from './dto/list-messages.query';
import { MessagePage, MessageView } from './dto/message.view';
import { ChatMuteView, MuteUserDto } from './dto/mute-user.dto';
import { SendMessageDto } from './dto/send-message.dto';

@ApiTags('chat')
@ApiBearerAuth()
@Controller('live')
export class ChatController {
  constructor(
    private readonly chat: ChatService,
    private readonly mutes: ChatMutesService,
  ) {}

  @Post(':id/message')
  @BanCheckedInGate()
  @ApiOperation({
    summary: 'Send a chat message (host, co-host or joined viewer, while live). Same as socket live:message:send.',
  })
  @ApiErrors(...LIVE_ACTION_ERRORS, 'NOT_IN_LIVE', 'CHAT_DISABLED', 'CHAT_MUTED', 'RATE_LIMITED', 'SLOW_MODE')
  send(
    @ObjectIdParam('id') id: string,
    @CurrentUser() user: AuthUser,
    @Body() body: SendMessageDto,
  ): Promise<MessageView> {
    return this.chat.send(id, user, body);
  }

  @Get(':id/messages')
  @ApiOperation({
    summary: 'Chat history, oldest first in each page, deleted messages left out',
    description:
      'First page: `direction=older` (default) gives the newest messages, `direction=newer` the oldest. ' +
      '`nextCursor` continues the same way (null at the end), `prevCursor` pages the other way. A cursor from another live is a 400.',
  })
  @ApiErrors(...LIVE_ROUTE_ERRORS)
  list(@ObjectIdParam('id') id: string, @Query() query: ListMessagesQuery): Promise<MessagePage> {
    return this.chat.list(id, query);
  }

  @Delete(':id/messages/:messageId')
  @ApiOperation({
    summary: 'Delete a message (its sender, the host or a co-host; idempotent). The room gets live:message:deleted.',
  })
  @ApiErrors(...LIVE_ROUTE_ERRORS, 'MESSAGE_NOT_FOUND', 'CANNOT_DELETE_MESSAGE', 'REMOVED_FROM_LIVE')
  delete(
    @ObjectIdParam('id') id: string,
    @ObjectIdParam('messageId') messageId: string,
    @CurrentUser() user: AuthUser,
  ): Promise<MessageView> {
    return this.chat.delete(id, messageId, user);
  }

  @Post(':id/chat/mute')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Mute a user in chat for a while (host or co-host; a co-host only by the host). The user gets live:chat:muted.',
  })
  @ApiErrors(...LIVE_ACTION_ERRORS, 'NOT_HOST_OR_COHOST', 'NOT_HOST', 'CANNOT_TARGET_HOST', 'CANNOT_TARGET_SELF')
  mute(
    @ObjectIdParam('id') id: string,
    @CurrentUser() user: AuthUser,
    @Body() body: MuteUserDto,
  ): Promise<ChatMuteView> {
    return this.mutes.mute(id, user, body.targetUserId, body.durationMs);
  }

  @Post(':id/chat/unmute')
  @HttpCode(200)
  @ApiOperation({ summary: 'End a chat mute now (host or co-host; idempotent)' })
  @ApiErrors(...LIVE_ACTION_ERRORS, 'NOT_HOST_OR_COHOST', 'NOT_HOST', 'CANNOT_TARGET_HOST', 'CANNOT_TARGET_SELF')
  unmute(
    @ObjectIdParam('id') id: string,
    @CurrentUser() user: AuthUser,
    @Body() body: TargetUserDto,
  ): Promise<ChatMuteView> {
    return this.mutes.unmute(id, user, body.targetUserId);
  }
}
