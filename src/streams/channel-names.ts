import { randomBytes } from 'node:crypto';

/** Agora and ZEGOCLOUD accept short ASCII ids; these stay within [a-z0-9_] and 64 bytes. */
export const CHANNEL_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

function randomId(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(length);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

export const generateChannelName = (): string => `lv_${randomId(16)}`;
export const generateCallId = (): string => `call_${randomId(16)}`;
