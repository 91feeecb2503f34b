import type { User } from '@forewarn/database';
import type { AccountAudience } from '../auth/visibility';
import { type LiveChange, LiveHub, type LiveSink, TooManyConnections } from './live-hub';

const riley: User = { email: 'riley@sales.example', name: 'Riley', role: 'rep', team: 'enterprise' };
const sam: User = { email: 'sam@sales.example', name: 'Sam', role: 'rep', team: 'smb' };
const ada: User = { email: 'ada@sales.example', name: 'Ada', role: 'admin', team: null };
const enterprise: AccountAudience = { ownerEmail: 'jo@sales.example', team: 'enterprise', leadEmail: null, memberEmails: [] };
const change = (accountId = 'northwind', score = 0): LiveChange => ({ type: 'health', accountId, accountName: 'Northwind', state: 'firestorm', score, previousState: 'at_risk', previousScore: 40 });

const sink = () => {
  const frames: string[] = [];
  const recorder: LiveSink & { frames: string[]; ended: boolean } = { frames, ended: false, write: (f) => frames.push(f), end: () => (recorder.ended = true) };
  return recorder;
};

describe('live changes', () => {
  it("reach the readers who may see the account, and never another team's rep", () => {
    const hub = new LiveHub({ maxPerUser: 3, bufferSize: 10, instance: 'i1' });
    const [toRiley, toSam, toAda] = [sink(), sink(), sink()];
    hub.connect(riley, toRiley, null);
    hub.connect(sam, toSam, null);
    hub.connect(ada, toAda, null);
    expect(hub.publish(change(), enterprise)).toBe(2);
    expect(toRiley.frames).toEqual([`id: i1-1\nevent: health\ndata: ${JSON.stringify(change())}\n\n`]);
    expect(toAda.frames).toHaveLength(1);
    expect(toSam.frames).toEqual([]);
  });

  it('send a reconnecting reader what they missed since the last change they got, and only what they may see', () => {
    const hub = new LiveHub({ maxPerUser: 3, bufferSize: 10, instance: 'i1' });
    hub.publish(change('a', 10), enterprise);
    hub.publish(change('b', 20), { ...enterprise, team: 'smb' });
    hub.publish(change('c', 30), enterprise);
    const back = sink();
    hub.connect(riley, back, 'i1-1');
    expect(back.frames.map((f) => /^id: (\S+)/.exec(f)?.[1])).toEqual(['i1-3']);
  });

  it('tell a reader whose last change is no longer kept (or from another instance) to read the page again', () => {
    const hub = new LiveHub({ maxPerUser: 3, bufferSize: 2, instance: 'i1' });
    for (let i = 0; i < 5; i++) hub.publish(change(), enterprise);
    const late = sink();
    hub.connect(riley, late, 'i1-1');
    expect(late.frames).toEqual([expect.stringMatching(/^event: reload\n/)]);
    const elsewhere = sink();
    hub.connect(riley, elsewhere, 'other-9');
    expect(elsewhere.frames[0]).toMatch(/^event: reload\n/);
  });

  it('refuse a user more connections than the cap, and take one again once another closed', () => {
    const hub = new LiveHub({ maxPerUser: 2, bufferSize: 2, instance: 'i1' });
    const first = hub.connect(riley, sink(), null);
    hub.connect(riley, sink(), null);
    expect(() => hub.connect({ ...riley, email: 'RILEY@sales.example' }, sink(), null)).toThrow(TooManyConnections);
    hub.connect(sam, sink(), null);
    hub.disconnect(first);
    expect(() => hub.connect(riley, sink(), null)).not.toThrow();
    expect(hub.size).toBe(3);
  });

  it('keep idle streams open with a comment, and end them all at shutdown', () => {
    const hub = new LiveHub({ maxPerUser: 2, bufferSize: 2, instance: 'i1' });
    const open = sink();
    hub.connect(riley, open, null);
    hub.heartbeat();
    hub.closeAll();
    expect(open.frames).toEqual([': keep-alive\n\n']);
    expect(open.ended).toBe(true);
    expect(hub.size).toBe(0);
  });
});
