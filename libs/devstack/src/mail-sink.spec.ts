import { createTransport } from 'nodemailer';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMailSink, type MailSink, type SinkMessage } from './mail-sink';

describe('mail sink', () => {
  let sink: MailSink;

  beforeEach(async () => {
    sink = await startMailSink({ smtpPort: 0, httpPort: 0 });
  });

  afterEach(async () => {
    await sink.stop();
  });

  const api = (path: string, init?: RequestInit): Promise<Response> => fetch(`http://127.0.0.1:${sink.httpPort}${path}`, init);

  async function sendAlertMail(): Promise<void> {
    const transport = createTransport({ host: '127.0.0.1', port: sink.smtpPort, secure: false, ignoreTLS: true });
    await transport.sendMail({
      from: '"Forewarn" <alerts@forewarn.test>',
      to: 'Rep.One@Example.COM',
      subject: 'Escalation risk: Acme Corp',
      headers: { 'X-Forewarn-Alert-Id': 'alert-42' },
      text: 'Acme has 3 open P1 tickets.',
      html: '<p>Acme has <b>3</b> open P1 tickets.</p>',
    });
    transport.close();
  }

  /** A sender that dies in the middle of a message: its connection is reset, not closed. */
  async function dropMidMessage(): Promise<void> {
    const socket: Socket = connect(sink.smtpPort, '127.0.0.1');
    const replies: string[] = [];
    socket.on('data', (chunk) => replies.push(chunk.toString()));
    const answered = async (count: number) => {
      while (replies.join('').split('\r\n').filter(Boolean).length < count) await new Promise((r) => setTimeout(r, 5));
    };
    await answered(1); // greeting
    socket.write('HELO sender.test\r\n');
    await answered(2);
    socket.write('MAIL FROM:<alerts@forewarn.test>\r\n');
    await answered(3);
    socket.write('RCPT TO:<rep@example.com>\r\n');
    await answered(4);
    socket.write('DATA\r\n');
    await answered(5);
    socket.write('Subject: half a message\r\n\r\nand then the sender is killed');
    await new Promise((r) => setTimeout(r, 20));
    socket.resetAndDestroy();
    await new Promise((r) => setTimeout(r, 50));
  }

  it('stays up when senders die in the middle of a message, and keeps receiving', async () => {
    // The first error used to be swallowed by a listener left over from start-up; the second killed the process.
    await dropMidMessage();
    await dropMidMessage();
    await dropMidMessage();
    await sendAlertMail();
    expect(sink.messages().map((m) => m.subject)).toEqual(['Escalation risk: Acme Corp']);
  });

  it('serves a received multipart mail over the HTTP API', async () => {
    await sendAlertMail();

    const list = (await (await api('/messages')).json()) as Array<Partial<SinkMessage>>;
    expect(list).toHaveLength(1);
    expect(list[0]).not.toHaveProperty('html');
    expect(list[0]).toMatchObject({ subject: 'Escalation risk: Acme Corp', to: ['rep.one@example.com'] });

    const full = (await (await api(`/messages/${list[0].id}`)).json()) as SinkMessage;
    expect(full.from).toBe('"Forewarn" <alerts@forewarn.test>');
    expect(full.headers['x-forewarn-alert-id']).toBe('alert-42');
    expect(full.headers.subject).toBe('Escalation risk: Acme Corp');
    expect(full.headers['content-type']).toMatch(/^multipart\/alternative/);
    expect(full.text.trim()).toBe('Acme has 3 open P1 tickets.');
    expect(full.html).toContain('<b>3</b>');
    expect(sink.messages()).toHaveLength(1);
  });

  it('answers 404 for an unknown id and empties on DELETE', async () => {
    await sendAlertMail();
    expect((await api('/messages/nope')).status).toBe(404);

    expect((await api('/messages', { method: 'DELETE' })).status).toBe(204);
    expect(await (await api('/messages')).json()).toEqual([]);
  });

  it('keeps only the newest messages, newest first', async () => {
    await sink.stop();
    sink = await startMailSink({ smtpPort: 0, httpPort: 0, max: 2 });
    const transport = createTransport({ host: '127.0.0.1', port: sink.smtpPort, ignoreTLS: true });
    for (const n of [1, 2, 3]) {
      await transport.sendMail({ from: 'a@forewarn.test', to: 'b@forewarn.test', subject: `mail ${n}`, text: `${n}` });
    }
    transport.close();

    expect(sink.messages().map((m) => m.subject)).toEqual(['mail 3', 'mail 2']);
  });

  describe('kept on disk', () => {
    let dir: string;

    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'mail-sink-'));
    });

    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    async function send(target: MailSink, subjects: string[], text = 'x'): Promise<void> {
      const transport = createTransport({ host: '127.0.0.1', port: target.smtpPort, ignoreTLS: true });
      for (const subject of subjects) await transport.sendMail({ from: 'a@forewarn.test', to: 'b@forewarn.test', subject, text });
      transport.close();
    }

    it('remembers every mail after a restart', async () => {
      await sink.stop();
      sink = await startMailSink({ smtpPort: 0, httpPort: 0, dir });
      await send(sink, ['before the restart 1', 'before the restart 2']);
      const before = sink.messages();
      await sink.stop();

      sink = await startMailSink({ smtpPort: 0, httpPort: 0, dir });
      expect(sink.messages()).toEqual(before);
      expect((await (await api(`/messages/${before[0].id}`)).json()).text.trim()).toBe('x');
      await send(sink, ['after the restart']);
      expect(sink.messages().map((m) => m.subject)).toEqual(['after the restart', 'before the restart 2', 'before the restart 1']);
    });

    it('keeps only the newest mails, by count and by size, and drops the oldest files too', async () => {
      await sink.stop();
      sink = await startMailSink({ smtpPort: 0, httpPort: 0, dir, max: 2 });
      await send(sink, ['mail 1', 'mail 2', 'mail 3']);
      expect(sink.messages().map((m) => m.subject)).toEqual(['mail 3', 'mail 2']);
      expect(readdirSync(dir)).toHaveLength(2);
      await sink.stop();

      // About 3 kB each, 7 kB in all: two fit.
      sink = await startMailSink({ smtpPort: 0, httpPort: 0, dir, maxBytes: 7_000 });
      await send(sink, ['big 1', 'big 2', 'big 3'], 'y'.repeat(3_000));
      expect(sink.messages().map((m) => m.subject)).toEqual(['big 3', 'big 2']);
      expect(readdirSync(dir)).toHaveLength(2);
    });

    it('skips a file it cannot read, and empties the folder on DELETE', async () => {
      await sink.stop();
      writeFileSync(join(dir, '000000000000001-broken.json'), '{ half a mess');
      sink = await startMailSink({ smtpPort: 0, httpPort: 0, dir });
      expect(sink.messages()).toEqual([]);
      await send(sink, ['kept']);
      expect(readdirSync(dir)).toHaveLength(1);
      expect((await api('/messages', { method: 'DELETE' })).status).toBe(204);
      expect(readdirSync(dir)).toEqual([]);
    });
  });
});
