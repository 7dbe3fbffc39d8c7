/** The live id used by every example payload, so the documented examples read as one story. */
export const LIVE_ID_EXAMPLE = '665f1c2e8a1b2c3d4e5f6a7b';
