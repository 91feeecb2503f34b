// Integration tests wait for a real PostgreSQL: give hooks room.
jest.setTimeout(60_000);
