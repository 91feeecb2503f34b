import { retryDelivery } from './delivery-retry';

describe('retrying mail delivery', () => {
  it('backs off exponentially while the mail server is unreachable, up to a cap, and never gives up', () => {
    expect(retryDelivery(1, {}, 300_000)).toEqual({ retryInMs: 5_000 });
    expect(retryDelivery(2, {}, 300_000)).toEqual({ retryInMs: 10_000 });
    expect(retryDelivery(4, { responseCode: 421 }, 300_000)).toEqual({ retryInMs: 40_000 });
    expect(retryDelivery(500, {}, 300_000)).toEqual({ retryInMs: 300_000 });
  });

  it('gives up on a mailbox the server keeps rejecting', () => {
    expect(retryDelivery(1, { responseCode: 550 }, 300_000)).toEqual({ retryInMs: 5_000 });
    expect(retryDelivery(3, { responseCode: 550 }, 300_000)).toEqual({ giveUp: true });
  });

  it('keeps retrying authentication trouble, which an operator can fix', () => {
    expect(retryDelivery(9, { responseCode: 535 }, 60_000)).toEqual({ retryInMs: 60_000 });
  });
});
