import { DomainError } from '../common/errors';
import { LiveStream } from './schemas/live-stream.schema';

export type LiveRole = 'host' | 'cohost' | 'member';
type RoleFields = Pick<LiveStream, 'hostId' | 'coHostIds'>;

/** Who the user is in this live. Pure rule, shared by every module. */
export function roleIn(live: RoleFields, userId: string): LiveRole {
  if (live.hostId === userId) return 'host';
  if (live.coHostIds?.includes(userId)) return 'cohost';
  return 'member';
}

/** Host actions: host or co-hosts. */
export function assertModerator(live: RoleFields, userId: string): void {
  if (roleIn(live, userId) === 'member') {
    throw new DomainError('NOT_HOST_OR_COHOST', 'Only the host or a co-host can do this.');
  }
}

/** Host-only actions: ending the live and naming co-hosts. */
export function assertHost(live: RoleFields, userId: string): void {
  if (live.hostId !== userId) throw new DomainError('NOT_HOST', 'Only the host of this live can do this.');
}

/** A moderator acting on another user: never on the host, never on themself. */
export function assertTargetable(live: RoleFields, actorId: string, targetUserId: string): void {
  if (targetUserId === live.hostId)
    throw new DomainError('CANNOT_TARGET_HOST', 'The host cannot be the target of this action.');
  if (targetUserId === actorId) throw new DomainError('CANNOT_TARGET_SELF', 'You cannot do this to yourself.');
}
