import type { LocalKafka } from '../../libs/devstack/src';

/** Stops Kafka only if the setup started it; a broker someone else runs is left alone. */
export default async function globalTeardown(): Promise<void> {
  const kafka = (globalThis as { __forewarnKafka?: LocalKafka }).__forewarnKafka;
  if (kafka?.started) await kafka.stop();
}
