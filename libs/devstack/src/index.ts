export { ensureKafka, kafkaAnswers, type EnsureKafkaOptions, type LocalKafka } from './kafka-runner';
export { startMailSink, type MailSink, type MailSinkOptions, type SinkMessage } from './mail-sink';
