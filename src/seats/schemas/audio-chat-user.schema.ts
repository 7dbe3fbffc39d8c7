import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, SchemaTypes, Types } from 'mongoose';

/**
 * One seat of a party or audio live (an AudioChatUser, as the original app names it). The seats exist for the whole
 * live; taking, leaving and moving only change who sits on them.
 *
 * Invariant 1 rests on two unique indexes and nothing else:
 * - (liveId, index): one document per seat, so a seat can hold one user at most;
 * - (liveId, occupantKey): `occupantKey` is the occupant's userId, `empty:<index>` when the seat is
 *   empty, or `moving:<userId>:<index>` while a move holds it; a user id can appear once per live,
 *   so a user can sit on one seat at most, whatever the timing.
 */
@Schema({ collection: 'audio_chat_users', timestamps: true })
export class AudioChatUser {
  // SchemaTypes.ObjectId (not the bson Types.ObjectId class, which Mongoose 9 maps to Mixed) so string ids are cast.
  @Prop({ type: SchemaTypes.ObjectId, required: true }) liveId!: Types.ObjectId;
  @Prop({ required: true }) index!: number;
  @Prop({ required: true }) occupantKey!: string;
  @Prop({ type: String, default: null }) userId!: string | null;
  /** Snapshot of the occupant (RTC uid, display name, avatar) taken when they sat down. */
  @Prop({ type: Number, default: null }) uid!: number | null;
  @Prop({ type: String, default: null }) name!: string | null;
  @Prop({ type: String, default: null }) avatar!: string | null;
  /** A locked seat cannot be taken; only empty seats can be locked. */
  @Prop({ required: true, default: false }) locked!: boolean;
  /** Set by the host or a co-host; the speaker cannot turn their mic on while it is set. */
  @Prop({ required: true, default: false }) hostMuted!: boolean;
  /** The speaker's own mic switch. Audible = micOn && !hostMuted. */
  @Prop({ required: true, default: false }) micOn!: boolean;
  /** Until when a move holds this (still empty) seat; null unless occupantKey is a moving key. */
  @Prop({ type: Date, default: null }) heldUntil!: Date | null;
  /** Grows with every change, so clients drop an update older than what they show. */
  @Prop({ required: true, default: 0 }) version!: number;
  /**
   * The live's `moderatorEpoch` this seat has been fenced with (raised when a co-host loses the
   * role). A moderator's write that read an older one is refused. Not a visible change: `version`
   * stays.
   */
  @Prop({ required: true, default: 0 }) moderatorEpoch!: number;
}

export type AudioChatUserDocument = HydratedDocument<AudioChatUser>;
export type SeatRecord = AudioChatUser & { _id: Types.ObjectId };
export const AudioChatUserSchema = SchemaFactory.createForClass(AudioChatUser);
AudioChatUserSchema.index({ liveId: 1, index: 1 }, { unique: true });
AudioChatUserSchema.index({ liveId: 1, occupantKey: 1 }, { unique: true });
