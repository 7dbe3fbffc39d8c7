import { DomainError } from '../common/errors';
import { blockedWordsMasker, normalizeMessageText } from './chat-text';

describe('chat text rules', () => {
  it('trims the text', () => {
    expect(normalizeMessageText('  hi there \u00a0')).toBe('hi there');
  });

  it.each([
    ['empty', ''],
    ['only spaces', '    '],
    ['501 characters', 'a'.repeat(501)],
    ['a newline', 'one\ntwo'],
    ['a tab', 'one\ttwo'],
    ['a NUL', 'x\u0000y'],
    ['a C1 control', 'x\u0085y'],
  ])('refuses %s with VALIDATION_FAILED', (_, text) => {
    expect(errorCode(() => normalizeMessageText(text))).toBe('VALIDATION_FAILED');
  });

  it('counts characters, not UTF-16 units: 500 emoji fit', () => {
    expect(normalizeMessageText('😀'.repeat(500))).toHaveLength(1000);
  });

  it('masks blocked words as whole words, whatever their case', () => {
    const mask = blockedWordsMasker(['darn', 'heck']);
    expect(mask('Darn it, what the HECK')).toBe('*** it, what the ***');
    expect(mask('darning and checkers stay')).toBe('darning and checkers stay');
  });

  it('treats blocked words as text, not patterns', () => {
    expect(blockedWordsMasker(['a.b'])('a.b axb')).toBe('*** axb');
  });

  it('leaves text alone when no words are blocked', () => {
    expect(blockedWordsMasker([])('anything')).toBe('anything');
  });
});

function errorCode(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof DomainError ? error.code : 'NOT_A_DOMAIN_ERROR';
  }
  return undefined;
}
