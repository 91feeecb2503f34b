import { CircuitBreakers } from './circuit-breaker';

const URL = 'https://acme.zendesk.com';

describe('the circuit breaker of a vendor endpoint', () => {
  const breakers = () => new CircuitBreakers({ failuresToOpen: 3, coolDownMs: 60_000 });

  it('opens after failures in a row and holds calls until the cool-down is over', () => {
    const b = breakers();
    expect(b.failed(URL, 0)).toBe(false);
    expect(b.failed(URL, 1)).toBe(false);
    expect(b.admit(URL, 2)).toBeNull();
    expect(b.failed(URL, 2)).toBe(true);
    expect(b.state(URL, 3)).toBe('open');
    expect(b.admit(URL, 3)).toEqual(new Date(60_002));
  });

  it('lets one call try after the cool-down, and closes when it succeeds', () => {
    const b = breakers();
    for (let i = 0; i < 3; i++) b.failed(URL, 0);
    expect(b.state(URL, 60_000)).toBe('half-open');
    expect(b.admit(URL, 60_000)).toBeNull();
    expect(b.admit(URL, 60_001)).toEqual(new Date(120_001));
    b.succeeded(URL);
    expect(b.state(URL, 60_002)).toBe('closed');
    expect(b.admit(URL, 60_002)).toBeNull();
  });

  it('lets the next call try when the admitted one did not go out', () => {
    const b = breakers();
    for (let i = 0; i < 3; i++) b.failed(URL, 0);
    expect(b.admit(URL, 60_000)).toBeNull();
    b.released(URL);
    expect(b.admit(URL, 60_001)).toBeNull();
  });

  it('opens again for another cool-down when the trial fails', () => {
    const b = breakers();
    for (let i = 0; i < 3; i++) b.failed(URL, 0);
    expect(b.admit(URL, 60_000)).toBeNull();
    expect(b.failed(URL, 60_500)).toBe(false);
    expect(b.state(URL, 61_000)).toBe('open');
    expect(b.admit(URL, 61_000)).toEqual(new Date(120_500));
  });

  it('counts only failures in a row: an answer in between starts again', () => {
    const b = breakers();
    b.failed(URL, 0);
    b.failed(URL, 0);
    b.succeeded(URL);
    b.failed(URL, 0);
    expect(b.state(URL, 1)).toBe('closed');
  });

  it('pauses an endpoint until a 429 says, without opening it, and keeps endpoints apart', () => {
    const b = breakers();
    b.pause(URL, 30_000);
    expect(b.admit(URL, 10_000)).toEqual(new Date(30_000));
    expect(b.admit(URL, 30_000)).toBeNull();
    expect(b.state(URL, 10_000)).toBe('closed');
    for (let i = 0; i < 3; i++) b.failed('https://other.zendesk.com', 0);
    expect(b.admit(URL, 30_001)).toBeNull();
    expect(b.all(30_001)).toEqual([{ endpoint: URL, state: 'closed' }, { endpoint: 'https://other.zendesk.com', state: 'open' }]);
  });
});
