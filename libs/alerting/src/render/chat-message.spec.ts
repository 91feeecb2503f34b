import { renderChatMessage } from './chat-message';

const summary = {
  headline: 'Northwind <Traders> — firestorm before tomorrow\'s renewal',
  why: 'The customer rejected the workaround & escalated.',
  state: 'firestorm' as const,
  score: 22,
  open: { label: 'Open Northwind', url: 'https://fw.example/accounts/northwind' },
  acknowledgeUrl: 'https://fw.example/a/token',
};

describe('chat messages say what the mail says', () => {
  it('posts Slack blocks with escaped mrkdwn and link buttons', () => {
    const body = renderChatMessage('slack', summary) as { text: string; blocks: { type: string; text?: { text: string }; elements?: { url?: string }[] }[] };
    expect(body.text).toContain('Northwind <Traders>');
    expect(body.blocks[0].text?.text).toBe('*Northwind &lt;Traders&gt; — firestorm before tomorrow\'s renewal*\nThe customer rejected the workaround &amp; escalated.');
    expect(body.blocks[2].elements?.map((e) => e.url)).toEqual(['https://fw.example/accounts/northwind', 'https://fw.example/a/token']);
  });

  it('posts a Teams Adaptive Card with the same headline and buttons', () => {
    const body = renderChatMessage('teams', summary) as { attachments: { contentType: string; content: { body: { text: string }[]; actions: { url: string }[] } }[] };
    expect(body.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(body.attachments[0].content.body.map((b) => b.text)).toEqual(['Firestorm · score 22', summary.headline, summary.why]);
    expect(body.attachments[0].content.actions.map((a) => a.url)).toEqual(['https://fw.example/accounts/northwind', 'https://fw.example/a/token']);
  });
});
