import { DomainError } from '../common/errors';
import { assertHost, assertModerator, assertTargetable, roleIn } from './live-roles';

const live = { hostId: 'host', coHostIds: ['co'] };

describe('live roles', () => {
  it('names the host, a co-host and everyone else', () => {
    expect(roleIn(live, 'host')).toBe('host');
    expect(roleIn(live, 'co')).toBe('cohost');
    expect(roleIn(live, 'someone')).toBe('member');
  });

  it('lets host and co-hosts moderate, and nobody else', () => {
    expect(() => assertModerator(live, 'host')).not.toThrow();
    expect(() => assertModerator(live, 'co')).not.toThrow();
    expect(() => assertModerator(live, 'someone')).toThrow(expect.objectContaining({ code: 'NOT_HOST_OR_COHOST' }));
  });

  it('keeps host-only actions for the host', () => {
    expect(() => assertHost(live, 'host')).not.toThrow();
    expect(() => assertHost(live, 'co')).toThrow(DomainError);
  });

  it('never targets the host or the actor', () => {
    expect(() => assertTargetable(live, 'co', 'host')).toThrow(expect.objectContaining({ code: 'CANNOT_TARGET_HOST' }));
    expect(() => assertTargetable(live, 'co', 'co')).toThrow(expect.objectContaining({ code: 'CANNOT_TARGET_SELF' }));
    expect(() => assertTargetable(live, 'co', 'viewer')).not.toThrow();
  });
});
