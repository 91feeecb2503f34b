import fc from 'fast-check';
import { audienceOf, audienceWarnings, domainOfAddress, isInternal, judgeAddress, splitAudience } from './audience';
import { AudienceBook } from './audience-book';

const facts = { users: ['riley@sales.example', 'dana.admin@acme.com'], accountDomains: ['acme.com', 'northwind.example', 'globex.io'] };
const configured = audienceOf(facts, { internalDomains: ['sales.example'], mailFrom: 'Forewarn <forewarn@sales.example>' });

describe('only our own people hear about an account', () => {
  it('keeps dashboard users and addresses on internal domains, subdomains included', () => {
    expect(judgeAddress('riley@sales.example', configured)).toEqual({ kept: true, as: 'dashboard user' });
    expect(judgeAddress('Morgan@Sales.Example', configured)).toEqual({ kept: true, as: 'internal domain' });
    expect(judgeAddress('hudson@resource.sales.example', configured)).toEqual({ kept: true, as: 'internal domain' });
  });

  it('drops a customer who organised the meeting, naming the customer domain', () => {
    expect(judgeAddress('dana@acme.com', configured)).toEqual({ kept: false, why: 'customer domain', domain: 'acme.com', reason: 'not an internal address: customer domain acme.com' });
    expect(judgeAddress('sam@eu.globex.io', configured)).toMatchObject({ kept: false, reason: 'not an internal address: customer domain globex.io' });
  });

  it('drops any other outside address', () => {
    expect(judgeAddress('someone@gmail.com', configured)).toEqual({ kept: false, why: 'outside domain', domain: 'gmail.com', reason: 'not an internal address: outside domain gmail.com' });
    expect(judgeAddress('not-an-address', configured)).toMatchObject({ kept: false, reason: 'not an internal address: not an e-mail address' });
  });

  it('keeps a customer who is a registered dashboard user: a user is our own person by definition', () => {
    expect(judgeAddress('dana.admin@acme.com', configured)).toEqual({ kept: true, as: 'dashboard user' });
    expect(judgeAddress('other@acme.com', configured)).toMatchObject({ kept: false });
  });

  it('a customer domain wins over an internal domain that covers it', () => {
    const overlapping = audienceOf({ users: [], accountDomains: ['partner.sales.example'] }, { internalDomains: ['sales.example'], mailFrom: null });
    expect(judgeAddress('x@partner.sales.example', overlapping)).toMatchObject({ kept: false, why: 'customer domain' });
  });

  it('without FOREWARN_INTERNAL_DOMAINS, the domains of dashboard users and of MAIL_FROM are ours', () => {
    const derived = audienceOf(
      { users: ['riley@sales.example', 'pat@gmail.com', 'dana.admin@acme.com'], accountDomains: ['acme.com'] },
      { internalDomains: null, mailFrom: 'Forewarn <alerts@notify.example>' },
    );
    expect([...derived.internalDomains].sort()).toEqual(['notify.example', 'sales.example']);
    expect(isInternal('jo@sales.example', derived)).toBe(true);
    expect(isInternal('ops@notify.example', derived)).toBe(true);
    // A user at a mailbox provider does not make the provider ours, nor a customer user their company.
    expect(isInternal('pat@gmail.com', derived)).toBe(true);
    expect(isInternal('stranger@gmail.com', derived)).toBe(false);
    expect(isInternal('colleague@acme.com', derived)).toBe(false);
  });

  it('configured internal domains replace the derived ones', () => {
    const audience = audienceOf({ users: ['riley@sales.example'], accountDomains: [] }, { internalDomains: ['corp.example'], mailFrom: 'forewarn@localhost' });
    expect([...audience.internalDomains]).toEqual(['corp.example']);
    expect(isInternal('jo@sales.example', audience)).toBe(false);
    expect(isInternal('riley@sales.example', audience)).toBe(true);
  });

  it('splits recipients into those told and those dropped with the reason', () => {
    const recipients = [{ email: 'riley@sales.example', role: 'owner' }, { email: 'dana@acme.com', role: 'organizer' }];
    expect(splitAudience(recipients, configured)).toEqual({
      kept: [recipients[0]],
      dropped: [{ recipient: recipients[1], reason: 'not an internal address: customer domain acme.com' }],
    });
  });

  it('reads the domain of an address, with or without a display name', () => {
    expect(domainOfAddress('Forewarn <forewarn@localhost>')).toBe('localhost');
    expect(domainOfAddress('a@B.Example.')).toBe('b.example');
    expect(domainOfAddress('nobody')).toBeNull();
    expect(domainOfAddress('x@bad domain')).toBeNull();
  });

  it('warns when an owner would never be mailed', () => {
    expect(audienceWarnings([{ role: 'owner', email: 'dana@acme.com' }, { role: 'lead', email: 'morgan@sales.example' }], configured)).toEqual([
      'The owner dana@acme.com is on the customer domain acme.com: Forewarn mails them nothing about any account. Make one of your own people the owner in the CRM.',
    ]);
    expect(audienceWarnings([{ role: 'owner', email: 'riley@contractor.example' }], configured)).toEqual([
      'The owner riley@contractor.example is not on an internal domain (contractor.example): Forewarn mails them nothing. If they are one of yours, add contractor.example to FOREWARN_INTERNAL_DOMAINS or register them as a dashboard user.',
    ]);
  });
});

describe('the audience rule, for any addresses', () => {
  const label = fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/);
  const domain = fc.array(label, { minLength: 1, maxLength: 3 }).map((labels) => labels.join('.'));
  const local = fc.stringMatching(/^[a-z][a-z0-9.]{0,10}$/);
  const address = fc.tuple(local, fc.array(label, { maxLength: 2 }), domain).map(([l, sub, d]) => `${l}@${[...sub, d].join('.')}`);
  const world = fc.record({
    users: fc.array(address, { maxLength: 6 }),
    accountDomains: fc.array(domain, { maxLength: 6 }),
    internalDomains: fc.option(fc.array(domain, { maxLength: 4 }), { nil: null }),
    mailFrom: fc.option(address, { nil: null }),
  });
  const onDomain = (email: string, domains: readonly string[]) => domains.some((d) => email.endsWith(`@${d}`) || email.endsWith(`.${d}`));

  it('no address on an account domain is ever kept unless it is a user', () => {
    fc.assert(
      fc.property(world, fc.array(address, { maxLength: 8 }), (w, extra) => {
        const audience = audienceOf(w, w);
        for (const email of [...w.users, ...extra, ...w.accountDomains.map((d) => `customer@${d}`)]) {
          if (onDomain(email, w.accountDomains) && !w.users.includes(email)) expect(judgeAddress(email, audience).kept).toBe(false);
        }
      }),
    );
  });

  it('every dashboard user is kept', () => {
    fc.assert(fc.property(world, (w) => w.users.every((u) => judgeAddress(u, audienceOf(w, w)).kept)));
  });

  it('whoever is kept is a user or on an internal domain', () => {
    fc.assert(
      fc.property(world, fc.array(address, { maxLength: 8 }), (w, extra) => {
        const audience = audienceOf(w, w);
        for (const email of extra) {
          if (judgeAddress(email, audience).kept) expect(w.users.includes(email) || onDomain(email, [...audience.internalDomains])).toBe(true);
        }
      }),
    );
  });

  it('case and surrounding spaces change nothing', () => {
    fc.assert(fc.property(world, address, (w, email) => {
      const audience = audienceOf(w, w);
      expect(judgeAddress(` ${email.toUpperCase()} `, audience)).toEqual(judgeAddress(email, audience));
    }));
  });

  it('the book, reading only the domains that matter, decides as the rule does with every fact', async () => {
    await fc.assert(
      fc.asyncProperty(world, fc.array(address, { minLength: 1, maxLength: 6 }), async (w, emails) => {
        const source = { users: async () => w.users, accountDomainsAmong: async (ds: string[]) => ds.filter((d) => w.accountDomains.includes(d)) };
        const book = new AudienceBook(source, w);
        const whole = audienceOf(w, w);
        for (const email of [...emails, ...w.users]) expect(await book.judge(email)).toEqual(judgeAddress(email, whole));
      }),
      { numRuns: 200 },
    );
  });

  it('splitting keeps every recipient exactly once, on one side', () => {
    fc.assert(fc.property(world, fc.array(address, { maxLength: 8 }), (w, emails) => {
      const { kept, dropped } = splitAudience(emails.map((email) => ({ email })), audienceOf(w, w));
      expect(kept.length + dropped.length).toBe(emails.length);
    }));
  });
});

describe('the audience as the services keep it', () => {
  /** A source over fixed facts that counts its reads. */
  const sourceOf = (facts: { users: string[]; accountDomains: string[] }) => {
    const reads = { users: 0, domains: 0, asked: [] as string[][] };
    return {
      reads,
      facts,
      source: {
        users: async () => (reads.users++, facts.users),
        accountDomainsAmong: async (domains: string[]) => (reads.domains++, reads.asked.push(domains), domains.filter((d) => facts.accountDomains.includes(d))),
      },
    };
  };

  it('reads the views once a minute, not per recipient, and looks again before dropping someone on old facts', async () => {
    let now = 0;
    const { reads, facts, source } = sourceOf({ users: ['riley@sales.example'], accountDomains: ['acme.com'] });
    const book = new AudienceBook(source, { internalDomains: ['sales.example'], mailFrom: null }, { now: () => now });
    for (let i = 0; i < 50; i++) await book.split([{ email: 'riley@sales.example' }, { email: 'jo@sales.example' }]);
    expect(reads).toMatchObject({ users: 1, domains: 1 });
    // Only the domains that matter are asked about, with their parents.
    expect(reads.asked[0].sort()).toEqual(['example', 'sales.example']);

    // A customer registered as a user a moment ago: within the recheck time the old facts stand…
    facts.users = ['riley@sales.example', 'dana@acme.com'];
    now = 1_000;
    expect(await book.judge('dana@acme.com')).toMatchObject({ kept: false, why: 'customer domain' });
    // …after it, a drop makes the book look again.
    now = 6_000;
    expect(await book.judge('dana@acme.com')).toEqual({ kept: true, as: 'dashboard user' });
    expect(reads.users).toBe(2);
    now = 70_000;
    await book.about(['riley@sales.example']);
    expect(reads.users).toBe(3);
  });

  it('asks about a new customer domain once, then knows it for a minute', async () => {
    const { reads, source } = sourceOf({ users: [], accountDomains: ['acme.com', 'globex.io'] });
    const book = new AudienceBook(source, { internalDomains: ['sales.example'], mailFrom: null });
    expect(await book.judge('dana@eu.acme.com')).toMatchObject({ kept: false, reason: 'not an internal address: customer domain acme.com' });
    const asked = reads.domains;
    expect(await book.judge('lee@acme.com')).toMatchObject({ kept: false, why: 'customer domain' });
    expect(reads.domains).toBe(asked);
    expect(await book.judge('sam@globex.io')).toMatchObject({ kept: false, why: 'customer domain' });
  });

  it('without configured domains, a user on a customer domain does not make that domain ours', async () => {
    const { source } = sourceOf({ users: ['riley@sales.example', 'dana@acme.com'], accountDomains: ['acme.com'] });
    const book = new AudienceBook(source, { internalDomains: null, mailFrom: 'Forewarn <forewarn@sales.example>' });
    expect(await book.judge('jo@sales.example')).toEqual({ kept: true, as: 'internal domain' });
    expect(await book.judge('dana@acme.com')).toEqual({ kept: true, as: 'dashboard user' });
    expect(await book.judge('lee@acme.com')).toMatchObject({ kept: false, why: 'customer domain' });
  });

  it('callers that ask at the same time share one read of the users', async () => {
    const { reads, source } = sourceOf({ users: [], accountDomains: [] });
    const book = new AudienceBook(source, { internalDomains: ['sales.example'], mailFrom: null });
    await Promise.all([book.about([]), book.about([]), book.about([])]);
    expect(reads.users).toBe(1);
  });
});
