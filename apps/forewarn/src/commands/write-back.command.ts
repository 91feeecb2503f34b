import { ConfigError, loadConfig, notifierEnvSchema } from '@forewarn/config';
import { type Source, type WriteBackSettingsRepository } from '@forewarn/database';
import { checkOutboundUrl } from '@forewarn/outbound';
import { isWriteBackMode, isWriteBackVendor, normaliseApiUrl, seal, sealingKey, sourceTokenContext, WRITE_BACK_MODES, type WriteBackSettings, writeBackProblems } from '@forewarn/write-back';
import { CliError } from '../cli-support';
import { readFirstLine } from './user.command';

/** `forewarn source set <name>` options that change write-back. */
export interface WriteBackOptions {
  writeBack?: string;
  apiUrl?: string;
  apiUser?: string;
  apiTokenStdin?: boolean;
  /** A tag, or false for `--no-tag`. */
  tag?: string | false;
  supportHeadsUp?: string;
}

export const wantsWriteBack = (o: WriteBackOptions): boolean =>
  o.writeBack !== undefined || o.apiUrl !== undefined || o.apiUser !== undefined || o.apiTokenStdin === true || o.tag !== undefined || o.supportHeadsUp !== undefined;

const onOff = (value: string, option: string): boolean => {
  if (value !== 'on' && value !== 'off') throw new CliError(`${option} must be on or off, not "${value}"`);
  return value === 'on';
};

/**
 * The settings a command asks for, over the stored ones; a CliError names every problem (and
 * nothing is stored). `newToken`: whether a token comes with it.
 */
export function writeBackSettingsFor(kind: string, current: WriteBackSettings, options: WriteBackOptions, newToken: boolean, nodeEnv: string): WriteBackSettings {
  if (!isWriteBackVendor(kind)) throw new CliError(`write-back is for zendesk, jira, freshdesk, servicenow and intercom sources, not ${kind}; nothing was stored`);
  if (options.writeBack !== undefined && !isWriteBackMode(options.writeBack)) throw new CliError(`--write-back must be one of ${WRITE_BACK_MODES.join(', ')}, not "${options.writeBack}"`);
  let apiUrl = current.apiUrl;
  if (options.apiUrl !== undefined) {
    const checked = normaliseApiUrl(options.apiUrl);
    if (!checked.ok) throw new CliError(checked.problem);
    if (checked.url.startsWith('http:') && nodeEnv === 'production') throw new CliError('--api-url must be an https address');
    apiUrl = checked.url;
  }
  const next: WriteBackSettings = {
    mode: (options.writeBack as WriteBackSettings['mode'] | undefined) ?? current.mode,
    apiUrl,
    apiUser: options.apiUser === undefined ? current.apiUser : options.apiUser.trim() || null,
    tag: options.tag === undefined ? current.tag : options.tag === false ? null : options.tag.trim(),
    supportHeadsUp: options.supportHeadsUp === undefined ? current.supportHeadsUp : onOff(options.supportHeadsUp, '--support-heads-up'),
    hasToken: current.hasToken || newToken,
  };
  const problems = writeBackProblems(kind, next);
  if (problems.length > 0) throw new CliError(`${problems.join('; ')}; nothing was stored`);
  return next;
}

/** The settings as `source set` and `source list` show them: never the token, only whether there is one. */
export const shownWriteBack = (s: WriteBackSettings) => ({ mode: s.mode, apiUrl: s.apiUrl, apiUser: s.apiUser, tag: s.tag, supportHeadsUp: s.supportHeadsUp, token: s.hasToken ? 'set' : 'none' });

/** The notifier's settings this command checks against: FOREWARN_SECRET (to seal the token) and the hosts it may call. */
function notifierSettings(needsSecret: boolean) {
  try {
    return loadConfig(notifierEnvSchema, process.env, { needsSecret });
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
}

/**
 * What `--api-token-stdin` and the environment give, read before the change's transaction: the
 * token (first line of standard input) sealed under FOREWARN_SECRET for this source, never kept
 * in the clear.
 */
export async function writeBackInput(name: string, options: WriteBackOptions): Promise<{ sealedToken: string | null; nodeEnv: string; allowHosts: readonly string[] }> {
  const config = notifierSettings(options.apiTokenStdin === true);
  if (!options.apiTokenStdin) return { sealedToken: null, nodeEnv: config.NODE_ENV, allowHosts: config.FOREWARN_OUTBOUND_ALLOW_HOSTS };
  if (process.stdin.isTTY) process.stderr.write('API token (one line, then Enter): ');
  const token = (await readFirstLine()).trim();
  if (!token) throw new CliError('--api-token-stdin: standard input held no token (one line expected)');
  return { sealedToken: seal(token, sealingKey(config.FOREWARN_SECRET), sourceTokenContext(name)), nodeEnv: config.NODE_ENV, allowHosts: config.FOREWARN_OUTBOUND_ALLOW_HOSTS };
}

/** Changes a source's write-back settings; returns what the audit log records (never the token). */
export async function changeWriteBack(
  writeBacks: WriteBackSettingsRepository, source: Source, options: WriteBackOptions, input: { sealedToken: string | null; nodeEnv: string; allowHosts: readonly string[] },
): Promise<{ from: ReturnType<typeof shownWriteBack>; to: ReturnType<typeof shownWriteBack>; tokenReplaced: boolean }> {
  const stored = await writeBacks.of(source.name);
  const next = writeBackSettingsFor(source.kind, stored.settings, options, input.sealedToken !== null, input.nodeEnv);
  if (next.apiUrl && next.mode !== 'off') {
    // The notifier calls only public hosts, unless the operator allowed one: say so now rather than at the first note.
    const checked = checkOutboundUrl(next.apiUrl, { allowPlainHttp: true, allowHosts: input.allowHosts });
    if (!checked.ok && checked.notPublic) throw new CliError(`the notifier would not call ${next.apiUrl}: ${checked.reason}; list the host in FOREWARN_OUTBOUND_ALLOW_HOSTS if that is on purpose; nothing was stored`);
  }
  await writeBacks.save(source.name, next, input.sealedToken ?? stored.sealedToken);
  return { from: shownWriteBack(stored.settings), to: shownWriteBack(next), tokenReplaced: input.sealedToken !== null };
}
