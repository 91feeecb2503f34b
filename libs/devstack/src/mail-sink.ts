// A development SMTP sink: a real SMTP server that accepts every message and keeps the newest ones
// in memory, plus a small JSON API over HTTP so people and end-to-end tests can read what was sent.
import { randomUUID } from 'node:crypto';
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
  const store = new MessageStore(opts.max ?? 500);
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

/** Newest messages, bounded so a long-running dev stack does not grow without limit. */
class MessageStore {
  private readonly oldestFirst: SinkMessage[] = [];

  constructor(private readonly max: number) {}

  add(message: SinkMessage): void {
    this.oldestFirst.push(message);
    if (this.oldestFirst.length > this.max) this.oldestFirst.splice(0, this.oldestFirst.length - this.max);
  }

  newestFirst(): SinkMessage[] {
    return [...this.oldestFirst].reverse();
  }

  find(id: string): SinkMessage | undefined {
    return this.oldestFirst.find((message) => message.id === id);
  }

  clear(): void {
    this.oldestFirst.length = 0;
  }
}

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
        .then((message) => {
          store.add(message);
          callback();
        })
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
    store.clear();
    res.writeHead(204).end();
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
