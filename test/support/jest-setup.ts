// End-to-end tests start real processes and wait for real brokers: give hooks and tests room.
jest.setTimeout(180_000);
