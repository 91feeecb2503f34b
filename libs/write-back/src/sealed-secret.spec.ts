import { seal, sealedKeyId, SealedSecretError, sealingKey, unseal } from './sealed-secret';

describe('a sealed credential', () => {
  const current = sealingKey('the current secret, at least thirty-two characters');
  const previous = sealingKey('the previous secret, also thirty-two characters long');

  it('opens with the secret that sealed it and shows nothing of the token', () => {
    const sealed = seal('zd-api-token-1234', current, 'source:zendesk-prod');
    expect(sealed).not.toContain('zd-api-token');
    expect(sealed.startsWith(`fw1.${current.id}.`)).toBe(true);
    expect(unseal(sealed, [current], 'source:zendesk-prod')).toBe('zd-api-token-1234');
  });

  it('is different each time it is sealed', () => {
    expect(seal('same', current, 'x')).not.toBe(seal('same', current, 'x'));
  });

  it('still opens after a rotation while the previous secret is kept', () => {
    const sealed = seal('token', previous, 'source:jira');
    expect(unseal(sealed, [current, previous], 'source:jira')).toBe('token');
    expect(sealedKeyId(sealed)).toBe(previous.id);
  });

  it('says it was sealed under another secret when none of the keys sealed it', () => {
    const sealed = seal('token', previous, 'source:jira');
    expect(() => unseal(sealed, [current], 'source:jira')).toThrow(new SealedSecretError(`sealed under another FOREWARN_SECRET (key ${previous.id}; this process has ${current.id})`));
  });

  it('does not open for another source, nor when tampered with', () => {
    const sealed = seal('token', current, 'source:a');
    expect(() => unseal(sealed, [current], 'source:b')).toThrow(/damaged, or sealed for something other than source:b/);
    const parts = sealed.split('.');
    parts[3] = Buffer.from('other').toString('base64url');
    expect(() => unseal(parts.join('.'), [current], 'source:a')).toThrow(SealedSecretError);
    expect(() => unseal('plain-token', [current], 'source:a')).toThrow(/not a sealed credential/);
  });

  it('derives the same key from the same secret', () => {
    expect(sealingKey('the current secret, at least thirty-two characters').id).toBe(current.id);
    expect(previous.id).not.toBe(current.id);
  });
});
