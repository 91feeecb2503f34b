// End-to-end tests start real processes and wait for real brokers: give hooks and tests room.
jest.setTimeout(180_000);
// Tests' own producers use kafkajs' default partitioner on purpose; its v2 migration notice is noise.
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
