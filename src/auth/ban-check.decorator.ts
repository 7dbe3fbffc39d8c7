import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const BAN_CHECK = 'banCheck';
export type BanCheck = 'guard' | 'after_write' | 'in_gate' | 'none';

/**
 * The route's service reads the caller's ban itself, after its own write, so that a ban racing
 * the request still catches what it wrote; the guard then skips its read (one read per request).
 */
export const BanCheckedAfterWrite = () => SetMetadata(BAN_CHECK, 'after_write' satisfies BanCheck);

/**
 * The route's service reads the caller's ban in its gate's own command (a `$lookup` beside the
 * live's document, `BansService.activeBanPart`) before anything else it decides, so the guard
 * skips its read: the ban costs the request no command of its own.
 */
export const BanCheckedInGate = () => SetMetadata(BAN_CHECK, 'in_gate' satisfies BanCheck);

/** OpenAPI extension that tells the document builder the route does not answer BANNED. */
export const ALLOW_BANNED_EXTENSION = 'x-allow-banned';

/** A banned caller may still use this route (e.g. to read their own ban). */
export const AllowBanned = () =>
  applyDecorators(SetMetadata(BAN_CHECK, 'none' satisfies BanCheck), ApiExtension(ALLOW_BANNED_EXTENSION, true));
