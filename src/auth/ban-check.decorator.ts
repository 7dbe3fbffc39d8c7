import { SetMetadata } from '@nestjs/common';

export const BAN_CHECK = 'banCheck';
export type BanCheck = 'guard' | 'after_write' | 'none';

/**
 * The route's service reads the caller's ban itself, after its own write, so that a ban racing
 * the request still catches what it wrote; the guard then skips its read (one read per request).
 */
export const BanCheckedAfterWrite = () => SetMetadata(BAN_CHECK, 'after_write' satisfies BanCheck);

/** A banned caller may still use this route (e.g. to read their own ban). */
export const AllowBanned = () => SetMetadata(BAN_CHECK, 'none' satisfies BanCheck);
