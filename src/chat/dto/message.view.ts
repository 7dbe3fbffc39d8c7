import { ApiProperty } from '@nestjs/swagger';
import { PageMeta } from '../../common/pagination';
import { LiveMessage, MESSAGE_TYPES, MessageType } from '../schemas/live-message.schema';

export class MessageSenderView {
  @ApiProperty({ example: 'bob' }) userId!: string;
  @ApiProperty({ type: 'integer', format: 'int64', example: 67890 }) uid!: number;
  @ApiProperty({ example: 'Bob' }) name!: string;
  @ApiProperty({ example: null, nullable: true, type: String }) avatar!: string | null;
}

/** A chat message as clients see it (REST responses, live:message, the join snapshot). */
export class MessageView {
  @ApiProperty({ example: '665f1c2e8a1b2c3d4e5f6a90' }) id!: string;
  @ApiProperty({ example: '665f1c2e8a1b2c3d4e5f6a7b' }) liveStreamId!: string;
  @ApiProperty({ enum: MESSAGE_TYPES, example: 'comment' }) type!: MessageType;
  @ApiProperty({ example: 'Hello everyone!' }) text!: string;
  @ApiProperty({ type: MessageSenderView }) sender!: MessageSenderView;
  @ApiProperty({ example: 'c1f7b9e2-0d3a-4c55-9a61-2b8f3e4d5a6b', nullable: true, type: String })
  clientMessageId!: string | null;
  @ApiProperty({ example: '2026-11-24T20:05:00.000Z' }) createdAt!: string;
  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    description: 'Set once deleted (deleted messages leave history)',
  })
  deletedAt!: string | null;
}

export class MessagePage extends PageMeta {
  @ApiProperty({ type: [MessageView], description: 'Oldest first, whatever the direction' }) items!: MessageView[];
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      "Pages the other way from this page's other edge (e.g. newer, after paging older); null on an empty page",
  })
  prevCursor!: string | null;
}

export function toMessageView(message: LiveMessage & { _id: { toString(): string } }): MessageView {
  return {
    id: message._id.toString(),
    liveStreamId: message.liveId.toString(),
    type: message.type,
    text: message.text,
    sender: {
      userId: message.sender.userId,
      uid: message.sender.uid,
      name: message.sender.name,
      avatar: message.sender.avatar ?? null,
    },
    clientMessageId: message.clientMessageId ?? null,
    createdAt: message.createdAt.toISOString(),
    deletedAt: message.deletedAt ? message.deletedAt.toISOString() : null,
  };
}
