import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { renderAlertMail, renderDigestMail, type RenderedMail } from '@forewarn/alerting';
import type { AlertRaised } from '@forewarn/contracts';
import { type Browser, chromium } from 'playwright-core';
import { SCREENSHOT_DIR } from './support/paths';

/** Each mail kind rendered in a real browser, at phone and desktop width: readable, no sideways scrolling. */
describe('alert mails in a real browser', () => {
  let browser: Browser;
  const now = new Date();
  const inHours = (h: number) => new Date(now.getTime() + h * 3_600_000).toISOString();
  const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000).toISOString();
  const shots = SCREENSHOT_DIR;

  const base: AlertRaised = {
    specversion: '1.0', type: 'forewarn.alert.raised', id: '6f1c2a4e-8d0b-4c55-9a57-2f7b3c1d9e10', source: '/forewarn/account-health', time: now.toISOString(),
    data: {
      kind: 'heads-up',
      account: { id: 'northwind', name: 'Northwind Traders', owner: { name: 'Riley Chen', email: 'riley@sales.example' }, lead: { name: 'Morgan Lee', email: 'morgan@sales.example' }, members: [], team: 'enterprise', timezone: 'Europe/Berlin' },
      state: 'firestorm', previousState: 'watch', score: 22,
      reasons: [
        { code: 'rejected_resolution', label: 'The customer rejected the proposed resolution of “Checkout payments failing”: “The workaround doubles our fees”', weight: 20, evidence: [] },
        { code: 'open_escalations', label: '“Checkout payments failing” is escalated to level 2', weight: 20, evidence: [] },
        { code: 'open_severe_cases', label: '“Checkout payments failing” is a critical case and still open', weight: 25, evidence: [] },
        { code: 'handoff_loops', label: '“Checkout payments failing” was handed between agents 4 times', weight: 8, evidence: [] },
      ],
      openCases: [
        { id: 'ZD-4711', title: 'Checkout payments failing', url: 'https://northwind.zendesk.example/agent/tickets/4711', severity: 1, status: 'open', escalationLevel: 2, openedAt: daysAgo(3), assignee: 'Sam Ortiz' },
        { id: 'ZD-4790', title: 'Invoice export times out', url: null, severity: 3, status: 'pending', escalationLevel: 0, openedAt: daysAgo(1), assignee: null },
      ],
      nextMeeting: { id: 'm-1', title: 'Renewal proposal', startsAt: inHours(20), kind: 'renewal', organizer: { name: 'Riley Chen', email: 'riley@sales.example' } },
    },
  };
  const owner = { email: 'riley@sales.example', name: 'Riley Chen', role: 'owner' as const };
  const actions = { acknowledge: 'http://localhost:3000/a/ack-token', snooze: [{ label: 'Snooze 24 h', url: 'http://localhost:3000/a/s1' }, { label: 'Snooze 3 days', url: 'http://localhost:3000/a/s3' }], preferences: 'http://localhost:3000/preferences' };

  const mails: Record<string, RenderedMail> = {
    'heads-up': renderAlertMail({ alert: base, recipient: owner, publicUrl: 'http://localhost:3000', now, actions }),
    'all-clear': renderAlertMail({ alert: { ...base, data: { ...base.data, kind: 'all-clear', state: 'healthy', previousState: 'firestorm', score: 94, reasons: [], openCases: [] } }, recipient: owner, publicUrl: 'http://localhost:3000', now, actions: { preferences: actions.preferences } }),
    briefing: renderAlertMail({
      alert: { ...base, data: { ...base.data, kind: 'briefing', state: 'at_risk', previousState: null, score: 48, briefing: {
        meeting: { id: 'm-1', title: 'Renewal proposal', startsAt: inHours(20), endsAt: inHours(21), kind: 'renewal', organizer: { name: 'Riley Chen' }, attendees: [{ name: 'Dana Whitfield' }, { name: 'Chris Baker' }] },
        openCases: [
          { id: 'ZD-4711', title: 'Checkout payments failing', url: 'https://northwind.zendesk.example/agent/tickets/4711', severity: 1, status: 'open', escalationLevel: 2, openedAt: daysAgo(3), ageHours: 72, assignee: 'Sam Ortiz', lastSupportUpdateAt: daysAgo(1), handoffs: 4, rejected: true },
          { id: 'ZD-4790', title: 'Invoice export times out', url: null, severity: 3, status: 'pending', escalationLevel: 0, openedAt: daysAgo(1), ageHours: 24, assignee: null, lastSupportUpdateAt: null, handoffs: 0, rejected: false },
        ],
        customerSaid: [
          { kind: 'rejection', caseId: 'ZD-4711', caseTitle: 'Checkout payments failing', who: 'Dana Whitfield', at: daysAgo(0.5), quote: 'The workaround doubles our fees. This is the third time this quarter.' },
          { kind: 'comment', caseId: 'ZD-4790', caseTitle: 'Invoice export times out', who: 'Chris Baker', at: daysAgo(1), quote: 'Our month-end close depends on this export.' },
        ],
        supportOwners: [{ name: 'Sam Ortiz', caseIds: ['ZD-4711'] }],
        recentlyFixed: [{ id: 'ZD-4650', title: 'SSO login loop', url: null, severity: 2, openedAt: daysAgo(9), resolvedAt: daysAgo(2), assignee: 'Lena Vogel' }],
        detractors: [{ who: 'Dana Whitfield', kind: 'nps', score: 2, at: daysAgo(4), comment: 'Nobody listened', caseId: 'ZD-4711' }],
        talkingPoints: ['Open with the checkout outage: say you know it has been open three days and the workaround was not good enough.', 'Apologise for the hand-offs between four agents; name Sam Ortiz as the one owner now.', 'Commit to a date for the fix before you talk about the renewal terms.'],
      } } },
      recipient: owner, publicUrl: 'http://localhost:3000', now, actions,
    }),
    digest: renderDigestMail({
      kind: 'digest', recipient: { email: 'morgan@sales.example', name: 'Morgan Lee' }, day: now.toISOString().slice(0, 10), timeZone: 'Europe/Berlin',
      accounts: [
        { id: 'northwind', name: 'Northwind Traders', state: 'firestorm', score: 22, why: base.data.reasons[0].label, openCases: 2, nextMeeting: { title: 'Renewal proposal', startsAt: inHours(20) } },
        { id: 'acme', name: 'Acme Corp', state: 'at_risk', score: 51, why: '“SSO login loops” was reopened after being marked solved', openCases: 1, nextMeeting: null },
        { id: 'globex', name: 'Globex', state: 'watch', score: 74, why: '2 poor survey answers in the last 30 days (Hank Scorpio)', openCases: 3, nextMeeting: { title: 'QBR', startsAt: inHours(70) } },
      ],
    }, 'http://localhost:3000', now),
  };

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it.each(Object.keys(mails))('renders the %s mail on a phone without sideways scrolling, with its main button visible', async (kind) => {
    const page = await browser.newPage({ viewport: { width: 375, height: 812 } });
    await page.setContent(mails[kind].html);
    const { scrollWidth, clientWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    const button = page.locator('a', { hasText: /^Open / }).first();
    expect(await button.isVisible()).toBe(true);
    expect(await page.locator('h1').innerText()).toBe(mails[kind].subject);
    await page.screenshot({ path: join(shots, `mail-${kind}-phone.png`), fullPage: true });
    await page.setViewportSize({ width: 900, height: 900 });
    await page.screenshot({ path: join(shots, `mail-${kind}-desktop.png`), fullPage: true });
    await page.close();
  });
});
