import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument, SchemaTypes, Types } from 'mongoose';

export const TICKET_KINDS = ['request', 'invite'] as const;
export type TicketKind = (typeof TICKET_KINDS)[number];

/**
 * A pending seat request (a user asks the host for a seat) or invitation (the host asks a user to
 * sit). One per (live, kind, user): asking again refreshes it. It is ignored once `expiresAt`
 * passes and deleted by the next read of the live's tickets (no TTL index on the embedded server).
 */
export const SEAT_TICKETS_COLLECTION = 'seat_tickets';

@Schema({ collection: SEAT_TICKETS_COLLECTION, timestamps: true })
export class SeatTicket {
  // SchemaTypes.ObjectId (not the bson Types.ObjectId class, which Mongoose 9 maps to Mixed) so string ids are cast.
  @Prop({ type: SchemaTypes.ObjectId, required: true }) liveId!: Types.ObjectId;
  @Prop({ type: String, required: true, enum: TICKET_KINDS }) kind!: TicketKind;
  /** The requester (request) or the invited user (invite). */
  @Prop({ required: true }) userId!: string;
  /** The requester's snapshot (null on invitations: the host names the user by id only). */
  @Prop({ type: Number, default: null }) uid!: number | null;
  @Prop({ type: String, default: null }) name!: string | null;
  @Prop({ type: String, default: null }) avatar!: string | null;
  /** The seat asked for or offered; null: any free seat. */
  @Prop({ type: Number, default: null }) seatIndex!: number | null;
  /** Who sent the invitation (the requester for a request). */
  @Prop({ required: true }) actorId!: string;
  @Prop({ required: true }) expiresAt!: Date;
}

export type SeatTicketDocument = HydratedDocument<SeatTicket>;
export type TicketRecord = SeatTicket & { _id: Types.ObjectId };
export const SeatTicketSchema = SchemaFactory.createForClass(SeatTicket);
SeatTicketSchema.index({ liveId: 1, kind: 1, userId: 1 }, { unique: true });
SeatTicketSchema.index({ liveId: 1, kind: 1, expiresAt: 1 });
