import type { User } from '@forewarn/database';
import { type AccountAudience, canSee, visibilitySql } from './visibility';

const riley: User = { email: 'riley@sales.example', name: 'Riley', role: 'rep', team: 'enterprise' };
const sam: User = { email: 'sam@sales.example', name: 'Sam', role: 'rep', team: 'smb' };
const loner: User = { email: 'lone@sales.example', name: 'Lone', role: 'rep', team: null };
const morgan: User = { email: 'morgan@sales.example', name: 'Morgan', role: 'lead', team: 'enterprise' };
const ada: User = { email: 'ada@sales.example', name: 'Ada', role: 'admin', team: null };

const account = (over: Partial<AccountAudience> = {}): AccountAudience => ({
  ownerEmail: 'someone@sales.example', team: 'enterprise', leadEmail: null, memberEmails: [], ...over,
});

describe('who may see an account', () => {
  it('an admin sees every account, whoever owns it', () => {
    expect(canSee(ada, account({ team: 'smb' }))).toBe(true);
    expect(canSee(ada, account({ team: null }))).toBe(true);
  });

  it('a rep sees the accounts they own, even in another team', () => {
    expect(canSee(sam, account({ ownerEmail: 'SAM@sales.example', team: 'enterprise' }))).toBe(true);
  });

  it('a rep sees accounts they are a member of', () => {
    expect(canSee(sam, account({ memberEmails: ['x@sales.example', 'sam@sales.example'] }))).toBe(true);
  });

  it("a rep sees their team's accounts", () => {
    expect(canSee(riley, account({ team: 'Enterprise' }))).toBe(true);
  });

  it("a rep does not see another team's account they are not on", () => {
    expect(canSee(sam, account())).toBe(false);
  });

  it('a rep without a team sees only what they own or are on, not every account without a team', () => {
    expect(canSee(loner, account({ team: null }))).toBe(false);
    expect(canSee(loner, account({ team: null, ownerEmail: 'lone@sales.example' }))).toBe(true);
  });

  it("a lead sees their team's accounts and the accounts they lead in other teams", () => {
    expect(canSee(morgan, account())).toBe(true);
    expect(canSee(morgan, account({ team: 'smb', leadEmail: 'morgan@sales.example' }))).toBe(true);
    expect(canSee(morgan, account({ team: 'smb' }))).toBe(false);
  });

  it('a rep is not given lead visibility by being named the lead', () => {
    expect(canSee(sam, account({ leadEmail: 'sam@sales.example' }))).toBe(false);
  });
});

describe('the SQL form of the visibility rule', () => {
  it('is no restriction for an admin', () => {
    const params: unknown[] = [];
    expect(visibilitySql(ada, params)).toBe('TRUE');
    expect(params).toEqual([]);
  });

  it('matches owner, members and team for a rep, with parameters appended after existing ones', () => {
    const params: unknown[] = ['already'];
    const sql = visibilitySql(riley, params);
    expect(params).toEqual(['already', 'riley@sales.example', 'enterprise']);
    expect(sql).toContain('lower(a.owner_email) = $2');
    expect(sql).toContain('a.member_emails @> ARRAY[$2::text]');
    expect(sql).toContain('lower(a.team) = $3');
    expect(sql).not.toContain('lead_email');
  });

  it('adds the lead e-mail for a lead and leaves the team out when the user has none', () => {
    const params: unknown[] = [];
    expect(visibilitySql({ ...morgan, team: null }, params)).toContain('lower(a.lead_email) = $1');
    expect(params).toEqual(['morgan@sales.example']);
  });
});
