import { DomainError } from '../common/errors';

export const MAX_MESSAGE_CHARACTERS = 500;

/** C0 and C1 control characters, newlines and tabs included: a chat line is one line. */
const CONTROL_CHARACTER = /\p{Cc}/u;

/** The text as stored: trimmed, 1..500 characters (code points, so an emoji counts once), no control characters. */
export function normalizeMessageText(raw: string): string {
  const text = raw.trim();
  const length = [...text].length;
  if (length === 0) throw invalidText('text must not be empty.');
  if (length > MAX_MESSAGE_CHARACTERS)
    throw invalidText(`text must be at most ${MAX_MESSAGE_CHARACTERS} characters (got ${length}).`);
  if (CONTROL_CHARACTER.test(text)) throw invalidText('text must not contain control characters (newlines, tabs ...).');
  return text;
}

/**
 * Masks each blocked word with *** wherever it stands as a whole word, whatever its case.
 * Built once from the configured list.
 */
export function blockedWordsMasker(words: string[]): (text: string) => string {
  if (words.length === 0) return (text) => text;
  const escaped = [...new Set(words)]
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${escaped.join('|')})(?![\\p{L}\\p{N}_])`, 'giu');
  return (text) => text.replace(pattern, '***');
}

function invalidText(message: string): DomainError {
  return new DomainError('VALIDATION_FAILED', message, { problems: [message] });
}
