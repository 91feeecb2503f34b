import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, posix } from 'node:path';

/**
 * Docker's build steps without Docker: reads docker/Dockerfile and .dockerignore and performs the
 * steps (COPY, RUN, WORKDIR, ENV) in a scratch folder per stage, with the node on PATH standing in
 * for the `FROM` image's. An instruction it does not know fails, so the test follows the Dockerfile.
 */

export type Instruction =
  | { kind: 'FROM'; image: string; name: string | null }
  | { kind: 'WORKDIR'; path: string }
  | { kind: 'COPY'; from: string | null; sources: string[]; dest: string }
  | { kind: 'RUN'; command: string }
  | { kind: 'ENV'; values: Record<string, string> }
  | { kind: 'USER'; user: string }
  | { kind: 'CMD'; shell: string | null; exec: string[] | null };

const unquote = (value: string) => (/^(["']).*\1$/.test(value) ? value.slice(1, -1) : value);

/** Shell-like words: spaces separate, quotes group. */
function words(text: string): string[] {
  return [...text.matchAll(/"[^"]*"|'[^']*'|\S+/g)].map((m) => m[0]);
}

export function parseDockerfile(text: string): Instruction[] {
  const logical = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
  return logical.map((line): Instruction => {
    const [keyword, ...rest] = line.split(/\s+/);
    const args = line.slice(keyword.length).trim();
    switch (keyword.toUpperCase()) {
      case 'FROM': {
        const [image, as, name] = rest;
        return { kind: 'FROM', image, name: as?.toUpperCase() === 'AS' ? name : null };
      }
      case 'WORKDIR':
        return { kind: 'WORKDIR', path: args };
      case 'COPY': {
        const parts = args.startsWith('[') ? (JSON.parse(args) as string[]) : words(args).map(unquote);
        const flags = parts.filter((p) => p.startsWith('--'));
        const paths = parts.filter((p) => !p.startsWith('--'));
        const unknown = flags.filter((f) => !f.startsWith('--from=') && !f.startsWith('--chown='));
        if (unknown.length) throw new Error(`COPY flag not performed here: ${unknown.join(' ')}`);
        if (paths.some((p) => /[*?[]/.test(p))) throw new Error(`COPY with a pattern is not performed here: ${line}`);
        return { kind: 'COPY', from: flags.find((f) => f.startsWith('--from='))?.slice('--from='.length) ?? null, sources: paths.slice(0, -1), dest: paths[paths.length - 1] };
      }
      case 'RUN':
        if (args.startsWith('[')) throw new Error(`RUN in exec form is not performed here: ${line}`);
        return { kind: 'RUN', command: args };
      case 'ENV': {
        const parts = words(args);
        const values = parts.every((p) => p.includes('='))
          ? Object.fromEntries(parts.map((p) => [p.slice(0, p.indexOf('=')), unquote(p.slice(p.indexOf('=') + 1))]))
          : { [parts[0]]: unquote(args.slice(parts[0].length).trim()) };
        return { kind: 'ENV', values };
      }
      case 'USER':
        return { kind: 'USER', user: args };
      case 'CMD':
        return args.startsWith('[') ? { kind: 'CMD', shell: null, exec: JSON.parse(args) as string[] } : { kind: 'CMD', shell: args, exec: null };
      default:
        throw new Error(`Dockerfile instruction not performed by test/support/image-steps.ts: ${line}`);
    }
  });
}

/** `.dockerignore` as Docker reads it: the last rule that matches a path or one of its parent folders decides. */
export function dockerignore(text: string): (path: string) => boolean {
  const rules = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line && !line.startsWith('#')).map((line) => {
    const negated = line.startsWith('!');
    const pattern = posix.normalize((negated ? line.slice(1) : line).trim()).replace(/^\/+/, '').replace(/\/+$/, '');
    const source = pattern.split('/').map((part) => (part === '**' ? '\u0000' : part.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]'))).join('/')
      .replace(/\u0000\//g, '(?:.*/)?').replace(/\/\u0000/g, '(?:/.*)?').replace(/\u0000/g, '.*');
    return { negated, pattern, regex: new RegExp(`^${source}$`) };
  });
  return (path: string) => {
    const candidates = path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
    let excluded = false;
    for (const rule of rules) if (candidates.some((c) => rule.regex.test(c))) excluded = !rule.negated;
    return excluded;
  };
}

/** Copies the build context (the repository as Docker sends it: without what .dockerignore excludes). */
export function copyBuildContext(repoRoot: string, target: string): string[] {
  const ignored = dockerignore(existsSync(join(repoRoot, '.dockerignore')) ? readFileSync(join(repoRoot, '.dockerignore'), 'utf8') : '');
  const kept: string[] = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(join(repoRoot, relative), { withFileTypes: true })) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      // An excluded folder that no later rule re-includes (node_modules, dist, .git) is not walked.
      if (entry.isDirectory()) {
        if (ignored(path) && ignored(`${path}/x`) && ignored(`${path}/x/y.ts`)) continue;
        walk(path);
      } else if (!ignored(path)) {
        mkdirSync(dirname(join(target, path)), { recursive: true });
        cpSync(join(repoRoot, path), join(target, path));
        kept.push(path);
      }
    }
  };
  walk('');
  return kept;
}

export interface Stage {
  name: string;
  image: string;
  root: string;
  workdir: string;
  env: Record<string, string>;
  cmd: { shell: string | null; exec: string[] | null } | null;
}

/** What every step runs with: the node on PATH first, the npm cache of this machine, and the image's ENV. */
export function stepEnv(stageEnv: Record<string, string>, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: homedir(),
    // The machine's npm cache serves packages it already has, so a run does not download them again.
    npm_config_prefer_offline: 'true',
    npm_config_update_notifier: 'false',
    ...stageEnv,
    ...extra,
  };
}

export function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Performs the Dockerfile's steps, stage by stage, under `scratch/<stage>/` (the stage's file
 * system); returns the stages, the last being the image. `onStep` hears each step as it starts.
 */
export async function performDockerfile(instructions: Instruction[], contextDir: string, scratch: string, onStep: (text: string) => void = () => undefined): Promise<Stage[]> {
  const stages: Stage[] = [];
  const inStage = (stage: Stage, path: string) => join(stage.root, isAbsolute(path) ? path : posix.join(stage.workdir, path));
  for (const step of instructions) {
    const stage = stages[stages.length - 1];
    if (step.kind !== 'FROM' && !stage) throw new Error(`${step.kind} before FROM`);
    switch (step.kind) {
      case 'FROM': {
        const name = step.name ?? `stage-${stages.length}`;
        const root = join(scratch, name);
        mkdirSync(root, { recursive: true });
        stages.push({ name, image: step.image, root, workdir: '/', env: {}, cmd: null });
        onStep(`FROM ${step.image} (the node on PATH, ${process.version}, stands in for its node)`);
        break;
      }
      case 'WORKDIR':
        stage.workdir = posix.resolve(stage.workdir, step.path);
        mkdirSync(inStage(stage, '.'), { recursive: true });
        break;
      case 'ENV':
        Object.assign(stage.env, step.values);
        break;
      case 'USER':
        break; // the steps run as whoever runs the test
      case 'CMD':
        stage.cmd = { shell: step.shell, exec: step.exec };
        break;
      case 'COPY': {
        const source = step.from ? stages.find((s) => s.name === step.from) : null;
        if (step.from && !source) throw new Error(`COPY --from=${step.from}: no such stage`);
        const dest = inStage(stage, step.dest);
        const intoFolder = step.dest.endsWith('/') || step.sources.length > 1;
        for (const src of step.sources) {
          const from = source ? join(source.root, posix.resolve('/', src)) : join(contextDir, src);
          if (!existsSync(from)) throw new Error(`COPY ${src}: not in the ${source ? `stage ${source.name}` : 'build context (see .dockerignore)'}`);
          const target = statSync(from).isDirectory() ? dest : intoFolder ? join(dest, basename(from)) : dest;
          mkdirSync(statSync(from).isDirectory() ? target : dirname(target), { recursive: true });
          if (statSync(from).isDirectory()) {
            const copied = await run('cp', ['-a', `${from}/.`, `${target}/`], { cwd: scratch, env: stepEnv({}) });
            if (copied.code !== 0) throw new Error(`COPY ${src}: ${copied.stderr}`);
          } else {
            cpSync(from, target);
          }
        }
        onStep(`COPY ${step.from ? `--from=${step.from} ` : ''}${step.sources.join(' ')} ${step.dest}`);
        break;
      }
      case 'RUN': {
        onStep(`RUN ${step.command}`);
        const began = Date.now();
        const result = await run('sh', ['-c', step.command], { cwd: inStage(stage, '.'), env: stepEnv(stage.env) });
        if (result.code !== 0) throw new Error(`RUN ${step.command} failed (exit ${result.code}):\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`);
        onStep(`  done in ${((Date.now() - began) / 1000).toFixed(1)} s`);
        break;
      }
    }
  }
  return stages;
}
