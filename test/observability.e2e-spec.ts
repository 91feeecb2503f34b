import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Bus, startBus } from './support/bus';
import { run } from './support/image-steps';
import { REPO_ROOT } from './support/paths';
import { type AppName, eventually } from './support/services';

/**
 * The observability assets in docker/ against what the services really expose: every metric the
 * Grafana dashboard and the alert rules use is one a running service serves on /metrics (scraped
 * from the four services on real Kafka, PostgreSQL and SMTP after an alert went out), with the labels
 * they select and group by; promtool checks the Prometheus configuration and runs the rules' cases;
 * the compose profile `observability` parses; each alert's runbook is a section of docs/OPERATIONS.md.
 */

const DOCKER = join(REPO_ROOT, 'docker');
const APPS: AppName[] = ['gateway', 'account-health', 'notifier', 'dashboard'];
/** Series Prometheus makes itself, not the services. */
const PROMETHEUS_OWN = new Set(['up']);
/** Labels Prometheus adds to every series it scrapes, and histograms' bucket bound. */
const ADDED_LABELS = new Set(['job', 'instance', 'le']);

interface Rule { alert: string; expr: string; labels?: Record<string, string>; annotations: Record<string, string> }
interface Panel { type: string; title: string; datasource?: { uid: string }; targets?: { expr: string }[] }
interface ComposeService { image?: string; profiles?: string[]; environment?: Record<string, string>; volumes?: string[]; ports?: string[] }

/** YAML as JSON, read by Debian's python3-yaml (docker-compose's own dependency; no YAML library in package.json). */
function yamlToJson<T>(text: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const python = spawn('python3', ['-c', 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    python.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    python.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as T) : reject(new Error(`python3 yaml exited ${code}`))));
    python.stdin.end(text);
  });
}
const readYaml = <T>(path: string) => yamlToJson<T>(readFileSync(join(DOCKER, path), 'utf8'));

/** What one service serves: each metric's name, and the labels its samples carry. */
type Exposed = Map<string, Set<string>>;

/** Reads Prometheus' text format: names from `# TYPE` lines (a metric with no samples yet) and from samples. */
function exposition(text: string): Exposed {
  const metrics: Exposed = new Map();
  const add = (name: string, labels: string[] = []) => {
    const known = metrics.get(name) ?? new Set<string>();
    labels.forEach((label) => known.add(label));
    metrics.set(name, known);
  };
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) {
      add(type[1]);
      if (type[2] === 'histogram') ['_bucket', '_sum', '_count'].forEach((suffix) => add(`${type[1]}${suffix}`));
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? /.exec(line);
    if (sample) add(sample[1], [...(sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)].map((m) => m[1]));
  }
  return metrics;
}

/** The metric names a PromQL expression reads (Forewarn's own, Node's and the process's, and Prometheus' `up`). */
const metricsIn = (expr: string) => [...new Set([...expr.matchAll(/\b((?:forewarn|process|nodejs)_[a-z0-9_]+|up)\b(?=\s*[{[)\s]|$)/g)].map((m) => m[1]))];
/** The label matchers of each selector in an expression: metric name → label names it matches on. */
const selectorsIn = (expr: string) => [...expr.matchAll(/\b([a-z_:][a-z0-9_:]*)\{([^}]*)\}/g)].map((m) => ({ metric: m[1], labels: [...m[2].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)].map((l) => l[1]) }));
/** The labels an expression aggregates by. */
const groupingIn = (expr: string) => [...expr.matchAll(/\b(?:by|on)\s*\(([^)]*)\)/g)].flatMap((m) => m[1].split(',').map((label) => label.trim()).filter(Boolean));

/** GitHub's anchor for a Markdown heading. */
const anchorOf = (heading: string) => heading.trim().toLowerCase().replace(/[^a-z0-9 _-]/g, '').replace(/ /g, '-');

describe('observability: the dashboard, the alert rules and the compose profile match what the services expose', () => {
  let bus: Bus;
  const exposed = new Map<AppName, Exposed>();
  const scraped = new Map<AppName, string>();
  let rules: Rule[];
  let panels: Panel[];
  const T = Date.now().toString(36);

  /** Every PromQL expression of the dashboard and the rules, with where it is from. */
  const expressions = () => [
    ...panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ where: `panel "${panel.title}"`, expr: target.expr }))),
    ...rules.map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr })),
  ];
  const servedBy = (metric: string) => APPS.filter((app) => exposed.get(app)?.has(metric));

  beforeAll(async () => {
    rules = (await readYaml<{ groups: { rules: Rule[] }[] }>('prometheus/alerts.yml')).groups.flatMap((group) => group.rules);
    panels = (JSON.parse(readFileSync(join(DOCKER, 'grafana/dashboards/forewarn.json'), 'utf8')) as { panels: Panel[] }).panels;

    // The whole bus, and one alert through it, so that counters and histograms with labels have samples.
    bus = await startBus('observability');
    const apiKey = await bus.addSource('helpdesk');
    const owner = `riley.${T}@sales.example`;
    const account = { id: `northwind-${T}` };
    const checkout = { id: `ZD-${T}`, title: 'Checkout payments failing', severity: 1, status: 'open' };
    let seq = 0;
    const event = (type: string, data: Record<string, unknown>) => ({ specversion: '1.0', id: `obs-${T}-${seq++}`, type: `forewarn.${type}`, time: new Date(Date.now() - 60_000 + seq * 1000).toISOString(), data });
    const sent = await bus.postEvents(apiKey, [
      event('account.upserted', { id: account.id, name: 'Northwind Traders', owner: { name: 'Riley Chen', email: owner }, team: 'enterprise' }),
      event('case.opened', { account, case: checkout, actor: { type: 'customer', name: 'Dana Whitfield' } }),
      event('case.escalated', { account, case: { ...checkout, escalationLevel: 2 }, reason: 'Revenue impact' }),
      event('case.resolution_rejected', { account, case: checkout, actor: { type: 'customer', name: 'Dana Whitfield' }, reason: 'The workaround doubles our fees' }),
    ]);
    expect(sent.status).toBe(202);
    await eventually('the heads-up mail', async () => bus.sink.messages().some((m) => m.to.includes(owner)), { timeoutMs: 60_000 });
    await fetch(`${bus.dashboardUrl}/api/accounts`); // a 401: the dashboard's request metrics have a sample

    for (const app of APPS) {
      const response = await fetch(`${bus.services[app].url}/metrics`);
      expect(response.status).toBe(200);
      const text = await response.text();
      scraped.set(app, text);
      exposed.set(app, exposition(text));
    }
  }, 180_000);

  afterAll(async () => {
    await bus?.stop();
  });

  it('serves on /metrics every metric the dashboard and the alert rules use', () => {
    const used = new Map<string, string[]>();
    for (const { where, expr } of expressions()) {
      const names = metricsIn(expr);
      expect({ where, names: names.length > 0 }).toEqual({ where, names: true });
      for (const name of names) used.set(name, [...(used.get(name) ?? []), where]);
    }
    const missing = [...used].filter(([name]) => !PROMETHEUS_OWN.has(name) && servedBy(name).length === 0).map(([name, where]) => `${name} (${where.join(', ')})`);
    expect(missing).toEqual([]);
    // What the dashboard must show, by metric.
    expect([...used.keys()]).toEqual(expect.arrayContaining([
      'forewarn_gateway_events_accepted_total', 'forewarn_http_request_duration_seconds_bucket', 'forewarn_consumer_lag', 'forewarn_consumer_batch_messages_bucket',
      'forewarn_consumer_batch_seconds_bucket', 'forewarn_outbox_backlog', 'forewarn_outbox_oldest_seconds', 'forewarn_dead_letters_total', 'forewarn_notifications_waiting',
      'forewarn_mail_send_seconds_bucket', 'forewarn_mail_failures_total', 'forewarn_health_sweeps_total', 'forewarn_worker_passes_total', 'process_cpu_seconds_total',
      'process_resident_memory_bytes', 'forewarn_ready',
    ]));
  });

  it('selects and groups by labels the services’ samples carry', () => {
    const problems: string[] = [];
    const labelsOf = (metric: string) => new Set(servedBy(metric).flatMap((app) => [...(exposed.get(app)?.get(metric) ?? [])]));
    for (const { where, expr } of expressions()) {
      for (const { metric, labels } of selectorsIn(expr)) {
        if (PROMETHEUS_OWN.has(metric)) continue;
        const known = labelsOf(metric);
        if (known.size === 0) continue; // no sample yet (e.g. no mail failed): its labels are unknown here
        for (const label of labels.filter((l) => !ADDED_LABELS.has(l) && !known.has(l))) problems.push(`${where}: ${metric} has no label ${label}`);
      }
      const metrics = metricsIn(expr).filter((name) => !PROMETHEUS_OWN.has(name));
      const known = new Set(metrics.flatMap((metric) => [...labelsOf(metric)]));
      if (known.size === 0 || metrics.length < metricsIn(expr).length) continue;
      for (const label of groupingIn(expr).filter((l) => !ADDED_LABELS.has(l) && !known.has(l))) problems.push(`${where}: nothing it reads has the label ${label}`);
    }
    expect(problems).toEqual([]);
    // The services' names the rules select on are the services' own.
    const named = rules.flatMap((rule) => [...rule.expr.matchAll(/service="([^"]+)"/g)].map((m) => m[1]));
    expect(named.filter((service) => !APPS.includes(service as AppName))).toEqual([]);
  });

  it('says on /metrics whether each dependency answers, as /readyz does', async () => {
    for (const app of APPS) {
      const readyz = (await (await fetch(`${bus.services[app].url}/readyz`)).json()) as { dependencies: Record<string, string> };
      const gauge = [...(scraped.get(app) ?? '').matchAll(/^forewarn_ready\{dependency="([^"]+)",service="([^"]+)"\} (\d)$/gm)].map((m) => [m[1], m[2], m[3]]);
      expect(gauge.sort()).toEqual(Object.keys(readyz.dependencies).sort().map((dependency) => [dependency, app, readyz.dependencies[dependency] === 'up' ? '1' : '0']));
    }
    expect(scraped.get('notifier')).toMatch(/^forewarn_ready\{dependency="smtp",service="notifier"\} 1$/m);
  });

  it('has a Prometheus configuration and alert rules promtool accepts, and the rules behave as their cases say', async () => {
    const config = await run('promtool', ['check', 'config', 'prometheus.yml'], { cwd: join(DOCKER, 'prometheus'), env: { PATH: process.env.PATH } });
    expect({ code: config.code, output: config.stdout + config.stderr }).toEqual({ code: 0, output: expect.stringContaining('SUCCESS') });
    const cases = await run('promtool', ['test', 'rules', 'alerts.test.yml'], { cwd: join(DOCKER, 'prometheus'), env: { PATH: process.env.PATH } });
    expect({ code: cases.code, output: cases.stdout + cases.stderr }).toEqual({ code: 0, output: expect.stringContaining('SUCCESS') });
    const tested = new Set([...readFileSync(join(DOCKER, 'prometheus/alerts.test.yml'), 'utf8').matchAll(/alertname: (\w+)/g)].map((m) => m[1]));
    expect(rules.map((rule) => rule.alert).filter((alert) => !tested.has(alert))).toEqual([]);
  });

  it('gives every alert a severity, a summary and a runbook that is a section of docs/OPERATIONS.md', () => {
    const operations = readFileSync(join(REPO_ROOT, 'docs/OPERATIONS.md'), 'utf8');
    const anchors = new Set([...operations.matchAll(/^#+ (.+)$/gm)].map((m) => anchorOf(m[1])));
    for (const rule of rules) {
      expect({ alert: rule.alert, severity: rule.labels?.severity, summary: Boolean(rule.annotations.summary) }).toEqual({ alert: rule.alert, severity: expect.stringMatching(/^(critical|warning)$/), summary: true });
      const [path, anchor] = rule.annotations.runbook_url.split('#');
      expect({ alert: rule.alert, path, section: anchors.has(anchor) }).toEqual({ alert: rule.alert, path: 'docs/OPERATIONS.md', section: true });
    }
  });

  it('provisions Grafana with the Prometheus every panel reads, the dashboard folder, and Jaeger', async () => {
    const datasources = (await readYaml<{ datasources: { uid: string; type: string; url: string }[] }>('grafana/provisioning/datasources/forewarn.yaml')).datasources;
    expect(datasources.map((d) => [d.uid, d.type, d.url])).toEqual([['prometheus', 'prometheus', 'http://prometheus:9090'], ['jaeger', 'jaeger', 'http://jaeger:16686']]);
    const charts = panels.filter((panel) => panel.type !== 'row');
    expect(charts.length).toBeGreaterThan(20);
    expect(charts.filter((panel) => panel.datasource?.uid !== 'prometheus').map((panel) => panel.title)).toEqual([]);
    const providers = (await readYaml<{ providers: { options: { path: string } }[] }>('grafana/provisioning/dashboards/forewarn.yaml')).providers;
    expect(providers.map((p) => p.options.path)).toEqual(['/var/lib/grafana/dashboards']);
  });

  it('has a compose profile `observability` that scrapes each service where compose runs it and hands the services the trace endpoint you set', async () => {
    const composeConfig = async (extra: Record<string, string>) => {
      const env = { PATH: process.env.PATH, FOREWARN_SECRET: 'x'.repeat(40), FOREWARN_ADMIN_EMAIL: 'admin@ops.example', ...extra };
      const resolved = await run('docker-compose', ['-f', 'docker/compose.yaml', '--profile', 'observability', 'config'], { cwd: REPO_ROOT, env });
      expect({ code: resolved.code, stderr: resolved.stderr }).toEqual({ code: 0, stderr: '' });
      return yamlToJson<{ services: Record<string, ComposeService> }>(resolved.stdout);
    };
    const compose = await composeConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318' });
    // Unset in your shell, unset in the services (compose passes the variable through): they export no traces.
    const untraced = await composeConfig({});
    expect(APPS.map((app) => untraced.services[app].environment?.OTEL_EXPORTER_OTLP_ENDPOINT ?? null)).toEqual(APPS.map(() => null));
    for (const name of ['prometheus', 'grafana', 'jaeger']) {
      const service = compose.services[name];
      expect({ name, profiles: service.profiles, pinned: /:v?\d+\.\d+\.\d+$/.test(service.image ?? '') }).toEqual({ name, profiles: ['observability'], pinned: true });
    }
    expect(compose.services.prometheus.volumes).toEqual(expect.arrayContaining([expect.stringMatching(/docker\/prometheus:\/etc\/prometheus:ro$/)]));
    // Each scrape job is a compose service of that name, at the port compose gives it.
    const jobs = (await readYaml<{ scrape_configs: { job_name: string; dns_sd_configs: { names: string[]; port: number }[] }[] }>('prometheus/prometheus.yml')).scrape_configs;
    const portVariable: Record<AppName, string> = { gateway: 'GATEWAY_PORT', 'account-health': 'ACCOUNT_HEALTH_PORT', notifier: 'NOTIFIER_PORT', dashboard: 'DASHBOARD_PORT' };
    expect(jobs.map((job) => job.job_name).sort()).toEqual([...APPS].sort());
    for (const job of jobs) {
      const app = job.job_name as AppName;
      expect({ app, names: job.dns_sd_configs[0].names, port: job.dns_sd_configs[0].port }).toEqual({ app, names: [app], port: Number(compose.services[app].environment?.[portVariable[app]]) });
      expect({ app, otlp: compose.services[app].environment?.OTEL_EXPORTER_OTLP_ENDPOINT }).toEqual({ app, otlp: 'http://jaeger:4318' });
    }
  });
});
