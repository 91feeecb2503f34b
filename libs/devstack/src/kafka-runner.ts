// Runs a real single-node Apache Kafka (KRaft) for development and tests, from the jars that
// Maven resolves for docker/kafka/pom.xml: no Docker, no Kafka install, just Java 17 and Maven.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { constants as fsConstants, existsSync, promises as fs, readFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
// The one file of libs/messaging that devstack needs; a relative path, as the tests' global setup loads devstack.
import { fixKafkajsRequestQueue } from '../../messaging/src/kafkajs-request-queue';

export interface LocalKafka {
  /** True when this call started the broker (and so `stop()` stops it). */
  started: boolean;
  brokers: string;
  stop(): Promise<void>;
}

export interface EnsureKafkaOptions {
  /** Comma-separated `host:port` list; only the first address is checked or started. */
  brokers: string;
  /** Monorepo root, holding docker/kafka/{pom.xml,server.properties.template,log4j2.xml}. */
  repoRoot: string;
  /** Defaults to $FOREWARN_CACHE_DIR, else ~/.cache/forewarn. */
  cacheDir?: string;
  log?: (msg: string) => void;
  /** Maximum JVM heap; 512 MB is plenty for tests. */
  heapMb?: number;
}

const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 30_000;
const LOCK_STALE_MS = 3 * 60_000;
const POLL_MS = 500;
const LOG_TAIL_LINES = 40;
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

/** True when a Kafka broker at the first address completes ApiVersions and Metadata requests. */
export async function kafkaAnswers(brokers: string, timeoutMs = 3_000): Promise<boolean> {
  fixKafkajsRequestQueue();
  const admin = new Kafka({
    clientId: 'forewarn-devstack-probe',
    brokers: [firstBroker(brokers)],
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  }).admin();
  const roundTrip = async (): Promise<boolean> => {
    await admin.connect(); // ApiVersions
    const cluster = await admin.describeCluster(); // Metadata
    return cluster.brokers.length > 0;
  };
  try {
    return await withTimeout(roundTrip(), timeoutMs, false);
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Makes sure a broker answers at the first address of `brokers`: reuses whatever already answers,
 * otherwise starts one (only for a loopback address). Concurrent callers share one start through a
 * lock file; only the caller that started the broker gets `started: true`.
 */
export async function ensureKafka(opts: EnsureKafkaOptions): Promise<LocalKafka> {
  const log = opts.log ?? (() => undefined);
  const alreadyRunning: LocalKafka = { started: false, brokers: opts.brokers, stop: async () => undefined };
  if (await kafkaAnswers(opts.brokers)) return alreadyRunning;

  const { host, port } = parseHostPort(firstBroker(opts.brokers));
  if (!LOCAL_HOSTS.has(host)) {
    throw new Error(`Kafka does not answer at ${host}:${port}, and only a local broker (127.0.0.1, localhost, ::1) can be started here`);
  }
  if (host.includes(':')) {
    // kafkajs splits broker addresses on ':' and so cannot reach an IPv6 literal at all.
    throw new Error(`Kafka does not answer at [${host}]:${port}; kafkajs cannot use IPv6 literal addresses, use localhost:${port} or 127.0.0.1:${port}`);
  }
  const paths = kafkaPaths(opts, port);
  await fs.mkdir(paths.versionDir, { recursive: true });

  for (;;) {
    if (await tryAcquireLock(paths.lockFile)) break;
    log(`another process is starting Kafka (${paths.lockFile}); waiting for it`);
    if (await waitForOtherStarter(opts.brokers, paths.lockFile)) return alreadyRunning;
  }
  const stopRefreshing = keepLockFresh(paths.lockFile); // a slow first download must not look stale
  try {
    // The other starter may have finished between our first probe and taking the lock.
    if (await kafkaAnswers(opts.brokers)) return alreadyRunning;
    return await startKafka(opts, paths, host, port, log);
  } finally {
    stopRefreshing();
    await fs.rm(paths.lockFile, { force: true });
  }
}

interface KafkaPaths {
  pomFile: string;
  templateFile: string;
  log4jFile: string;
  versionDir: string;
  libsDir: string;
  dataDir: string;
  propsFile: string;
  logFile: string;
  lockFile: string;
}

function kafkaPaths(opts: EnsureKafkaOptions, port: number): KafkaPaths {
  const kafkaDocker = join(opts.repoRoot, 'docker', 'kafka');
  const pomFile = join(kafkaDocker, 'pom.xml');
  const cacheDir = opts.cacheDir ?? process.env.FOREWARN_CACHE_DIR ?? join(homedir(), '.cache', 'forewarn');
  const versionDir = join(cacheDir, `kafka-${readKafkaVersion(pomFile)}`);
  return {
    pomFile,
    templateFile: join(kafkaDocker, 'server.properties.template'),
    log4jFile: join(kafkaDocker, 'log4j2.xml'),
    versionDir,
    libsDir: join(versionDir, 'libs'),
    dataDir: join(versionDir, `data-${port}`),
    propsFile: join(versionDir, `server-${port}.properties`),
    logFile: join(versionDir, `kafka-${port}.log`),
    lockFile: join(versionDir, 'start.lock'),
  };
}

async function startKafka(opts: EnsureKafkaOptions, paths: KafkaPaths, host: string, port: number, log: (msg: string) => void): Promise<LocalKafka> {
  for (const [name, taken] of [['client', port], ['controller', port + 1]] as const) {
    if (await portIsOpen(host, taken)) {
      throw new Error(`cannot start Kafka: its ${name} port ${taken} on ${host} is in use by something that is not a Kafka broker`);
    }
  }
  const startedAt = Date.now();
  await ensureJars(paths, log);
  await writeServerProperties(paths, host, port);
  await ensureFormatted(paths, log);

  log(`starting Kafka on ${host}:${port} (log: ${paths.logFile})`);
  const logOffset = await fileSize(paths.logFile);
  const child = await spawnBroker(paths, opts.heapMb ?? 512);
  const stopOnExit = (): void => void child.kill('SIGTERM');
  process.once('exit', stopOnExit); // a crashed dev process should not leave a 512 MB JVM behind

  try {
    await waitUntilReady(opts.brokers, child, READY_TIMEOUT_MS);
  } catch (err) {
    await stopChild(child);
    process.removeListener('exit', stopOnExit);
    const tail = await readLogTail(paths.logFile, logOffset);
    throw new Error(`${(err as Error).message}\n--- ${paths.logFile} (tail) ---\n${tail}`);
  }
  log(`Kafka ready at ${opts.brokers} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);

  return {
    started: true,
    brokers: opts.brokers,
    stop: async () => {
      process.removeListener('exit', stopOnExit);
      await stopChild(child);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Jars, properties and storage

function readKafkaVersion(pomFile: string): string {
  const pom = readFileSync(pomFile, 'utf8');
  const version = /<kafka\.version>\s*([^<\s]+)\s*<\/kafka\.version>/.exec(pom)?.[1];
  if (!version) throw new Error(`no <kafka.version> property in ${pomFile}`);
  return version;
}

/**
 * Copies the broker's runtime classpath once. Maven writes into a temporary folder that is renamed
 * into place only when complete, so an interrupted download is never taken for a finished one.
 * A fingerprint of the pom makes a changed pom (say, another log4j version) fetch again.
 */
async function ensureJars(paths: KafkaPaths, log: (msg: string) => void): Promise<void> {
  const fingerprint = createHash('sha256').update(await fs.readFile(paths.pomFile)).digest('hex');
  const fingerprintFile = join(paths.libsDir, '.pom-sha256');
  if ((await readFileOrNull(fingerprintFile))?.trim() === fingerprint) return;

  log('downloading Kafka jars from Maven Central (first run only)…');
  const tmpDir = `${paths.libsDir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await runToCompletion('mvn', ['-q', '-B', '-f', paths.pomFile, 'dependency:copy-dependencies', `-DoutputDirectory=${tmpDir}`]);
    await fs.writeFile(join(tmpDir, '.pom-sha256'), fingerprint);
    await fs.rm(paths.libsDir, { recursive: true, force: true }); // an outdated set, if any
    await fs.rename(tmpDir, paths.libsDir);
  } finally {
    await fs.rm(tmpDir, { recursive: true, force: true });
  }
}

async function writeServerProperties(paths: KafkaPaths, host: string, port: number): Promise<void> {
  const template = await fs.readFile(paths.templateFile, 'utf8');
  const values: Record<string, string> = {
    // Java binds "localhost" to one address anyway; naming it keeps the broker off other interfaces.
    HOST: host === 'localhost' ? '127.0.0.1' : host,
    ADVERTISED_HOST: host,
    PORT: String(port),
    CONTROLLER_PORT: String(port + 1),
    LOG_DIRS: paths.dataDir,
  };
  const rendered = template.replace(/\{\{([A-Z_]+)\}\}/g, (placeholder, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`unknown placeholder ${placeholder} in ${paths.templateFile}`);
    return value;
  });
  await fs.writeFile(paths.propsFile, rendered);
}

/** Formats the data dir once; meta.properties is written last, so it marks a finished format. */
async function ensureFormatted(paths: KafkaPaths, log: (msg: string) => void): Promise<void> {
  if (existsSync(join(paths.dataDir, 'meta.properties'))) return;
  log(`formatting storage in ${paths.dataDir}`);
  await fs.rm(paths.dataDir, { recursive: true, force: true }); // leftovers of an interrupted format
  // Static controller.quorum.voters in the template: no --standalone.
  await runToCompletion('java', [...jvmBaseArgs(paths), 'kafka.tools.StorageTool', 'format', '-t', newClusterId(), '-c', paths.propsFile]);
}

/** Kafka's Uuid text form: 16 random bytes, base64url without padding, never starting with '-'. */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function jvmBaseArgs(paths: KafkaPaths): string[] {
  return [`-Dlog4j2.configurationFile=${paths.log4jFile}`, '-cp', join(paths.libsDir, '*')];
}

// ---------------------------------------------------------------------------------------------
// The broker process

async function spawnBroker(paths: KafkaPaths, heapMb: number): Promise<ChildProcess> {
  const logHandle = await fs.open(paths.logFile, 'a');
  try {
    await logHandle.write(`--- ${new Date().toISOString()} starting Kafka (pid of caller ${process.pid}) ---\n`);
    const heap = [`-Xms${Math.min(256, heapMb)}m`, `-Xmx${heapMb}m`, '-XX:+UseG1GC'];
    const child = spawn('java', [...heap, ...jvmBaseArgs(paths), 'kafka.Kafka', paths.propsFile], {
      detached: false,
      stdio: ['ignore', logHandle.fd, logHandle.fd],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    return child;
  } finally {
    await logHandle.close(); // the child holds its own copy of the descriptor
  }
}

async function waitUntilReady(brokers: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: string | null = null;
  child.once('exit', (code, signal) => (exited = `Kafka exited during startup (code ${code}, signal ${signal})`));
  while (Date.now() < deadline) {
    if (exited) throw new Error(exited);
    if (await kafkaAnswers(brokers, 2_000)) return;
    await sleep(POLL_MS);
  }
  throw new Error(`Kafka did not answer at ${brokers} within ${timeoutMs / 1000} s`);
}

/** SIGTERM lets Kafka close its logs cleanly (a faster next start); SIGKILL if it hangs. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const stoppedInTime = await withTimeout(exited.then(() => true), STOP_TIMEOUT_MS, false);
  if (!stoppedInTime) {
    child.kill('SIGKILL');
    await exited;
  }
}

// ---------------------------------------------------------------------------------------------
// Start lock shared by concurrent callers

async function tryAcquireLock(lockFile: string): Promise<boolean> {
  try {
    const handle = await fs.open(lockFile, fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY);
    await handle.writeFile(`${process.pid}\n`);
    await handle.close();
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    if (await lockIsStale(lockFile)) {
      await fs.rm(lockFile, { force: true }); // its owner died mid-start
      return tryAcquireLock(lockFile);
    }
    return false;
  }
}

function keepLockFresh(lockFile: string): () => void {
  const timer = setInterval(() => {
    const now = new Date();
    fs.utimes(lockFile, now, now).catch(() => undefined);
  }, 30_000);
  timer.unref();
  return () => clearInterval(timer);
}

/** Stale when its owner is gone (say, Ctrl-C during the first download) or it is 3 minutes old. */
async function lockIsStale(lockFile: string): Promise<boolean> {
  try {
    const [stat, content] = await Promise.all([fs.stat(lockFile), fs.readFile(lockFile, 'utf8')]);
    const ownerPid = Number.parseInt(content, 10);
    if (Number.isInteger(ownerPid) && ownerPid > 0 && !processIsAlive(ownerPid)) return true;
    return Date.now() - stat.mtimeMs > LOCK_STALE_MS;
  } catch {
    return true; // gone already
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0 only checks that the process exists
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Waits while another process holds the lock; true when its broker answers. */
async function waitForOtherStarter(brokers: string, lockFile: string): Promise<boolean> {
  while (existsSync(lockFile) && !(await lockIsStale(lockFile))) {
    if (await kafkaAnswers(brokers, 2_000)) return true;
    await sleep(POLL_MS);
  }
  return kafkaAnswers(brokers);
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function firstBroker(brokers: string): string {
  const first = brokers.split(',')[0]?.trim();
  if (!first) throw new Error(`no broker address in "${brokers}"`);
  return first;
}

/** Accepts `host:port` and `[v6]:port`. */
function parseHostPort(address: string): { host: string; port: number } {
  const match = /^\[([^\]]+)\]:(\d+)$/.exec(address) ?? /^([^:]+):(\d+)$/.exec(address);
  if (!match) throw new Error(`broker address "${address}" is not host:port`);
  return { host: match[1], port: Number(match[2]) };
}

function portIsOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    const done = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function runToCompletion(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-8_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', (err) => reject(new Error(`cannot run ${command}: ${err.message}`)));
    child.once('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} failed with exit code ${code}:\n${output.trim()}`));
    });
  });
}

/** The last lines this start wrote, without Java stack frames (they bury the `Caused by:` lines). */
async function readLogTail(file: string, fromOffset: number): Promise<string> {
  const content = await fs.readFile(file).catch(() => Buffer.alloc(0));
  const lines = content.subarray(fromOffset).toString('utf8').trimEnd().split('\n');
  const withoutFrames = lines.filter((line) => !/^\s+(at |\.\.\. \d+ more)/.test(line));
  return withoutFrames.slice(-LOG_TAIL_LINES).join('\n');
}

async function readFileOrNull(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return null;
  }
}

async function fileSize(file: string): Promise<number> {
  try {
    return (await fs.stat(file)).size;
  } catch {
    return 0;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(onTimeout), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
