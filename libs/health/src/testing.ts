import type { AccountEvent } from './account-projection';
import { factsAt, projectAccount } from './account-projection';
import { assessHealth, type HealthAssessment } from './assess-health';
import { DEFAULT_POLICY, type HealthPolicy } from './policy';

/**
 * Writes support stories the way people tell them, as the events a helpdesk and a CRM would
 * send: `story.case('ZD-1', 'Checkout down', 1).opened(-72).reassigned(-70, 'Sam')…`. Times are
 * hours relative to the story's "now". For the specs and the backtest examples; not exported
 * from the library's index.
 */
export interface Story {
  now: Date;
  events: AccountEvent[];
  at(hours: number): string;
  account(hours: number, profile: { tier?: string; arr?: number; renewalDate?: string; name?: string }): Story;
  meeting(hours: number, meeting: { id: string; title?: string; startsAt: number; kind?: string; organizer?: { name?: string; email?: string } }): Story;
  cancelMeeting(hours: number, id: string): Story;
  survey(hours: number, who: string, kind: 'csat' | 'nps', score: number, comment?: string, caseId?: string): Story;
  case(id: string, title: string, severity: number): CaseStory;
  /** Health at `hours` from the story's now (default: now). */
  health(hours?: number, policy?: HealthPolicy): HealthAssessment;
}

export interface CaseStory {
  opened(hours: number, by?: string): CaseStory;
  assigned(hours: number, agent: string): CaseStory;
  escalated(hours: number, level: number): CaseStory;
  deEscalated(hours: number, level: number): CaseStory;
  proposed(hours: number, agent: string, text: string): CaseStory;
  rejected(hours: number, who: string, reason: string): CaseStory;
  customerSays(hours: number, who: string, text: string): CaseStory;
  agentSays(hours: number, agent: string, text: string): CaseStory;
  severity(hours: number, severity: number): CaseStory;
  slaBreached(hours: number): CaseStory;
  resolved(hours: number, agent?: string): CaseStory;
  reopened(hours: number, who?: string): CaseStory;
  closed(hours: number): CaseStory;
  survey(hours: number, who: string, kind: 'csat' | 'nps', score: number, comment?: string): CaseStory;
  done(): Story;
}

const HOUR = 3_600_000;

export function story(accountId: string, now = new Date('2026-11-25T12:00:00Z')): Story {
  let seq = 0;
  const events: AccountEvent[] = [];
  const at = (hours: number) => new Date(now.getTime() + hours * HOUR).toISOString();
  const add = (type: string, hours: number, data: Record<string, unknown>) => {
    const n = seq++;
    events.push({ key: `/sources/test\u0000ev-${String(n).padStart(4, '0')}`, type: `forewarn.${type}` as AccountEvent['type'], time: at(hours), seq: n, data: { account: { id: accountId }, ...data } });
  };
  const self: Story = {
    now,
    events,
    at,
    account(hours, profile) {
      const n = seq++;
      events.push({
        key: `/sources/test\u0000ev-${String(n).padStart(4, '0')}`, type: 'forewarn.account.upserted', time: at(hours), seq: n,
        data: { id: accountId, name: profile.name ?? accountId, domains: [], externalRefs: [], owner: { email: 'owner@sales.example' }, ...profile },
      });
      return self;
    },
    meeting(hours, m) {
      add('meeting.scheduled', hours, { meeting: { id: m.id, title: m.title, kind: m.kind, organizer: m.organizer, startsAt: at(m.startsAt) } });
      return self;
    },
    cancelMeeting(hours, id) {
      add('meeting.cancelled', hours, { meeting: { id } });
      return self;
    },
    survey(hours, who, kind, score, comment, caseId) {
      add('survey.responded', hours, { ...(caseId ? { case: { id: caseId } } : {}), actor: { type: 'customer', name: who }, survey: { kind, score, ...(comment ? { comment } : {}) } });
      return self;
    },
    case(id, title, severity) {
      const c = { id, title, severity };
      const step = (type: string, hours: number, data: Record<string, unknown> = {}) => {
        add(`case.${type}`, hours, { case: { id }, ...data });
        return caseStory;
      };
      const caseStory: CaseStory = {
        opened: (hours, by) => step('opened', hours, { case: { ...c, status: 'open' }, ...(by ? { actor: { type: 'customer', name: by } } : {}) }),
        assigned: (hours, agent) => step('assigned', hours, { assignee: { name: agent }, actor: { type: 'agent', name: agent } }),
        escalated: (hours, level) => step('escalated', hours, { case: { id, escalationLevel: level }, actor: { type: 'agent' } }),
        deEscalated: (hours, level) => step('de_escalated', hours, { case: { id, escalationLevel: level }, actor: { type: 'agent' } }),
        proposed: (hours, agent, text) => step('resolution_proposed', hours, { actor: { type: 'agent', name: agent }, comment: { public: true, excerpt: text } }),
        rejected: (hours, who, reason) => step('resolution_rejected', hours, { actor: { type: 'customer', name: who }, reason }),
        customerSays: (hours, who, text) => step('commented', hours, { actor: { type: 'customer', name: who }, comment: { public: true, excerpt: text } }),
        agentSays: (hours, agent, text) => step('commented', hours, { actor: { type: 'agent', name: agent }, comment: { public: true, excerpt: text } }),
        severity: (hours, severity) => step('priority_changed', hours, { case: { id, severity }, actor: { type: 'agent' } }),
        slaBreached: (hours) => step('sla_breached', hours, { actor: { type: 'system' } }),
        resolved: (hours, agent) => step('resolved', hours, { actor: { type: 'agent', ...(agent ? { name: agent } : {}) } }),
        reopened: (hours, who) => step('reopened', hours, { actor: { type: 'customer', ...(who ? { name: who } : {}) } }),
        closed: (hours) => step('closed', hours, { actor: { type: 'system' } }),
        survey: (hours, who, kind, score, comment) => {
          self.survey(hours, who, kind, score, comment, id);
          return caseStory;
        },
        done: () => self,
      };
      return caseStory;
    },
    health(hours = 0, policy = DEFAULT_POLICY) {
      const when = new Date(now.getTime() + hours * HOUR);
      const upToNow = events.filter((e) => Date.parse(e.time) <= when.getTime());
      return assessHealth(factsAt(projectAccount(upToNow), when, policy), when, policy);
    },
  };
  return self;
}
