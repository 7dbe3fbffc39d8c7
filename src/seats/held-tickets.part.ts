import { Types } from 'mongoose';
import { SnapshotPart } from '../common/snapshot-part';
import { SEAT_TICKETS_COLLECTION } from './schemas/seat-ticket.schema';

/**
 * Whether the user holds a seat ticket (request or invitation, expired or not) in the live, as a
 * part read with the live's document: a seat take reads it with its gate, and a leave or a kick
 * with the user's seat, so dropping tickets the user no longer needs costs nothing when there are
 * none. (A function, not a SeatTicketsService method: that service depends on SeatsService, which
 * reads this.)
 */
export function heldTicketsPart(liveId: string, userId: string): SnapshotPart<boolean> {
  return {
    from: SEAT_TICKETS_COLLECTION,
    pipeline: [{ $match: { liveId: new Types.ObjectId(liveId), userId } }, { $project: { _id: 1 } }, { $limit: 1 }],
    read: (docs) => docs.length > 0,
  };
}
