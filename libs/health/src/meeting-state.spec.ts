import { foldMeeting, type MeetingFact } from './meeting-state';

const fact = (type: MeetingFact['type'], minute: number, meeting: Record<string, unknown>, seq = minute): MeetingFact =>
  ({ type, time: new Date(Date.UTC(2026, 10, 25, 9, minute)).toISOString(), seq, data: { account: { id: 'acme' }, meeting: { id: 'm1', ...meeting } } }) as MeetingFact;

describe('meeting state', () => {
  it('keeps the latest details and honours a cancellation, in any arrival order', () => {
    const facts = [
      fact('forewarn.meeting.scheduled', 0, { title: 'Renewal', startsAt: '2026-11-26T10:00:00Z', kind: 'renewal' }),
      fact('forewarn.meeting.updated', 1, { startsAt: '2026-11-27T10:00:00Z' }),
      fact('forewarn.meeting.cancelled', 2, {}),
    ];
    const expected = { id: 'm1', title: 'Renewal', startsAt: '2026-11-27T10:00:00Z', kind: 'renewal', cancelled: true };
    expect(foldMeeting('m1', facts)).toMatchObject(expected);
    expect(foldMeeting('m1', [...facts].reverse())).toMatchObject(expected);
  });

  it('has no state without events', () => {
    expect(foldMeeting('m1', [])).toBeNull();
  });
});
