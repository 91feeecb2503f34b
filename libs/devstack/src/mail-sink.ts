// A development SMTP sink: a real SMTP server that accepts every message and keeps the newest ones
// (in memory, and on disk when given a folder, so a restart forgets nothing), plus a small JSON API
// over HTTP so people and end-to-end tests can read what was sent.
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAuthentication, type SMTPServerSession } from 'smtp-server';

export interface SinkMessage {
  id: string;
  receivedAt: string;
  /** The From header as written (falls back to the envelope sender). */
  from: string;
  /** Envelope recipients, lower-cased. */
  to: string[];
  subject: string;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Record<string, string>;
  text: string;
  html: string | null;
}

export interface MailSinkOptions {
  /** 0 picks a free port; the real one is returned. */
  smtpPort: number;
  httpPort: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** How many of the newest messages to keep; defaults to 500. */
  max?: number;
  /** Keeps the messages in this folder too (one JSON file each) and reads them again at start; in memory only when unset. */
  dir?: string;
  /** How many bytes of messages to keep at most (the oldest go first); defaults to 50 MB. */
  maxBytes?: number;
}

export interface MailSink {
  smtpPort: number;
  httpPort: number;
  messages(): SinkMessage[];
  stop(): Promise<void>;
}

const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

export async function startMailSink(opts: MailSinkOptions): Promise<MailSink> {
  const host = opts.host ?? '127.0.0.1';
  const store = new MessageStore(opts.max ?? 500, opts.maxBytes ?? 50 * 1024 * 1024, opts.dir ?? null);
  await store.load();
  const smtp = createSmtpServer(store);
  const http = createServer((req, res) => handleHttp(store, req, res));

  // A sender that dies in the middle of a message (a killed notifier) resets its connection, and
  // smtp-server reports that as an 'error' on the server: without a listener it would take the
  // sink, and the process it runs in, down with it. The half-sent message was never accepted, so
  // the sender still has it and sends it again; there is nothing else to do. (A failure to listen
  // is reported by `listen` below.)
  smtp.on('error', () => undefined);
  const smtpPort = await listen(smtp.server, opts.smtpPort, host, (port, cb) => smtp.listen(port, host, cb));
  const httpPort = await listen(http, opts.httpPort, host, (port, cb) => http.listen(port, host, cb)).catch(async (err: unknown) => {
    await closeSmtp(smtp);
    throw err;
  });

  return {
    smtpPort,
    httpPort,
    messages: () => store.newestFirst(),
    stop: async () => {
      await Promise.all([closeSmtp(smtp), closeHttp(http)]);
    },
  };
}

/**
 * Newest messages, bounded (by count and by bytes) so a long-running dev stack does not grow
 * without limit. With a folder, each message is also a file there, so a restart forgets nothing.
 */
class MessageStore {
  private readonly oldestFirst: SinkMessage[] = [];
  private readonly sizes = new Map<string, number>();
  private bytes = 0;

  constructor(private readonly max: number, private readonly maxBytes: number, private readonly dir: string | null) {}

  /** Reads the kept messages back, oldest first; a file that cannot be read is skipped (and dropped). */
  async load(): Promise<void> {
    if (!this.dir) return;
    await mkdir(this.dir, { recursive: true });
    const names = (await readdir(this.dir)).filter((name) => name.endsWith('.json')).sort();
    for (const name of names) {
      try {
        const text = await readFile(join(this.dir, name), 'utf8');
        const message = JSON.parse(text) as SinkMessage;
        if (typeof message.id !== 'string' || `${fileStem(message)}.json` !== name) throw new Error('not a kept message');
        this.keep(message, Buffer.byteLength(text));
      } catch {
        await rm(join(this.dir, name), { force: true });
      }
    }
    await this.trim();
  }

  async add(message: SinkMessage): Promise<void> {
    const text = JSON.stringify(message);
    if (this.dir) {
      // Written whole, then renamed: a crash never leaves half a message behind.
      const file = join(this.dir, `${fileStem(message)}.json`);
      await writeFile(`${file}.tmp`, text);
      await rename(`${file}.tmp`, file);
    }
    this.keep(message, Buffer.byteLength(text));
    await this.trim();
  }

  private keep(message: SinkMessage, bytes: number): void {
    this.oldestFirst.push(message);
    this.sizes.set(message.id, bytes);
    this.bytes += bytes;
  }

  /** Drops the oldest messages beyond the count and byte limits (the newest one always stays). */
  private async trim(): Promise<void> {
    while (this.oldestFirst.length > 1 && (this.oldestFirst.length > this.max || this.bytes > this.maxBytes)) {
      const dropped = this.oldestFirst.shift() as SinkMessage;
      this.bytes -= this.sizes.get(dropped.id) ?? 0;
      this.sizes.delete(dropped.id);
      if (this.dir) await rm(join(this.dir, `${fileStem(dropped)}.json`), { force: true });
    }
  }

  newestFirst(): SinkMessage[] {
    return [...this.oldestFirst].reverse();
  }

  find(id: string): SinkMessage | undefined {
    return this.oldestFirst.find((message) => message.id === id);
  }

  async clear(): Promise<void> {
    const all = this.oldestFirst.splice(0);
    this.sizes.clear();
    this.bytes = 0;
    if (this.dir) await Promise.all(all.map((message) => rm(join(this.dir as string, `${fileStem(message)}.json`), { force: true })));
  }
}

/** File names sort as the messages arrived. */
const fileStem = (message: SinkMessage): string => `${String(Date.parse(message.receivedAt)).padStart(15, '0')}-${message.id}`;

// ---------------------------------------------------------------------------------------------
// SMTP

function createSmtpServer(store: MessageStore): SMTPServer {
  return new SMTPServer({
    banner: 'Forewarn development mail sink',
    authOptional: true,
    // Services may be configured with credentials: accept any, over plain TCP.
    allowInsecureAuth: true,
    onAuth: (auth: SMTPServerAuthentication, _session, callback) => callback(null, { user: auth.username ?? 'anonymous' }),
    disabledCommands: ['STARTTLS'],
    size: MAX_MESSAGE_BYTES,
    logger: false,
    // Senders keep pooled connections open; on stop, do not wait half a minute for them to leave.
    closeTimeout: 1000,
    onData: (stream, session, callback) => {
      receive(stream, session)
        .then((message) => store.add(message))
        .then(() => callback())
        .catch((err: unknown) => callback(err instanceof Error ? err : new Error(String(err))));
    },
  });
}

async function receive(stream: Readable, session: SMTPServerSession): Promise<SinkMessage> {
  const parsed = await simpleParser(stream);
  const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
  return {
    id: randomUUID(),
    receivedAt: new Date().toISOString(),
    from: addressText(parsed.from) || envelopeFrom,
    to: session.envelope.rcptTo.map((recipient) => recipient.address.toLowerCase()),
    subject: parsed.subject ?? '',
    headers: flattenHeaders(parsed),
    text: parsed.text ?? '',
    html: parsed.html || null, // mailparser gives false (or nothing) for text-only mail
  };
}

function addressText(address: AddressObject | AddressObject[] | undefined): string {
  if (!address) return '';
  return Array.isArray(address) ? address.map((a) => a.text).join(', ') : address.text;
}

/** Raw header values as sent (unfolded), rather than mailparser's structured objects. */
function flattenHeaders(parsed: ParsedMail): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { key, line } of parsed.headerLines) {
    const value = line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
    const name = key.toLowerCase();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return headers;
}

function closeSmtp(smtp: SMTPServer): Promise<void> {
  return new Promise((resolve) => smtp.close(() => resolve()));
}

// ---------------------------------------------------------------------------------------------
// HTTP API: GET /messages, GET /messages/:id, DELETE /messages

function handleHttp(store: MessageStore, req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url ?? '/', 'http://sink').pathname.replace(/\/+$/, '');
  const idMatch = /^\/messages\/([^/]+)$/.exec(path);

  if (req.method === 'GET' && path === '/messages') {
    sendJson(res, 200, store.newestFirst().map(withoutHtml));
  } else if (req.method === 'DELETE' && path === '/messages') {
    store.clear().then(() => res.writeHead(204).end(), () => sendJson(res, 500, { error: 'could not delete every kept message' }));
  } else if (req.method === 'GET' && idMatch) {
    const message = store.find(decodeURIComponent(idMatch[1]));
    if (message) sendJson(res, 200, message);
    else sendJson(res, 404, { error: 'no such message' });
  } else {
    sendJson(res, 404, { error: 'not found', routes: ['GET /messages', 'GET /messages/:id', 'DELETE /messages'] });
  }
}

/** The list stays light: bodies in HTML can be large, and the text is usually enough. */
function withoutHtml(message: SinkMessage): Omit<SinkMessage, 'html'> {
  const { html: _html, ...rest } = message;
  return rest;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function closeHttp(http: HttpServer): Promise<void> {
  return new Promise((resolve) => {
    http.close(() => resolve());
    http.closeAllConnections(); // keep-alive clients would otherwise hold close() open
  });
}

// ---------------------------------------------------------------------------------------------

/** Starts listening and resolves with the real port (port 0 picks a free one). */
function listen(
  server: { once(event: 'error', listener: (err: Error) => void): unknown; off(event: 'error', listener: (err: Error) => void): unknown; address(): AddressInfo | string | null },
  port: number,
  host: string,
  start: (port: number, onListening: () => void) => void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    start(port, () => {
      server.off('error', reject); // a later error is not about listening
      const address = server.address();
      if (address && typeof address === 'object') resolve(address.port);
      else reject(new Error(`cannot tell which port ${host}:${port} listens on`));
    });
  });
}
