import http from 'node:http';
import { newMediaForm } from './forms.js';

/** One answer (or failure to answer) the load saw. */
export interface Answer {
  client: number;
  kind: 'create' | 'edit' | 'submit' | 'read';
  sentAt: number;
  at: number;
  /** 0: no HTTP answer (connection refused or reset). */
  status: number;
  code: string | null;
  error: string | null;
  retryAfter: string | null;
  /** What a 2xx acknowledged: the evaluation and the version it reached. */
  id: string | null;
  version: number | null;
}

export interface LoadFigures {
  sent: number;
  answered2xx: number;
  answered4xx: number;
  answered5xx: number;
  unanswered: number;
  codes: Record<string, number>;
}

/**
 * Clients that keep working on forms as people do, one request at a time each: create a draft, edit it a
 * few times (with the version they were last answered), submit it, start the next; a read now and then.
 * Every answer is recorded, so that a test can check afterwards that whatever was acknowledged is stored.
 * A refused or reset connection is recorded and retried after a pause (the API may be down on purpose).
 */
export class CommandLoad {
  readonly answers: Answer[] = [];
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly agents: http.Agent[] = [];

  constructor(
    private readonly baseUrl: () => string,
    private readonly tokens: string[],
    private readonly options: { clients?: number; pauseMs?: number; editsPerForm?: number; fiscalYear?: number; label?: string } = {},
  ) {}

  start(): this {
    this.running = true;
    const clients = this.options.clients ?? 8;
    for (let c = 0; c < clients; c++) {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      this.agents.push(agent);
      this.loops.push(this.client(c, agent));
    }
    return this;
  }

  /** Stops after every client's request in flight has been answered (or failed). */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    for (const agent of this.agents) agent.destroy();
  }

  /** Acknowledged writes: the latest version each evaluation was answered with (and its create). */
  acknowledged(before = Infinity): Map<string, number> {
    const acked = new Map<string, number>();
    for (const a of this.answers) {
      if (a.kind === 'read' || a.status < 200 || a.status >= 300 || !a.id || a.version === null || a.at > before) continue;
      acked.set(a.id, Math.max(acked.get(a.id) ?? 0, a.version));
    }
    return acked;
  }

  figures(from = 0, to = Infinity): LoadFigures {
    const within = this.answers.filter((a) => a.sentAt >= from && a.sentAt <= to);
    const codes: Record<string, number> = {};
    for (const a of within) {
      const key = a.status === 0 ? (a.error ?? 'no answer') : `${a.status}${a.code ? ` ${a.code}` : ''}`;
      codes[key] = (codes[key] ?? 0) + 1;
    }
    return {
      sent: within.length,
      answered2xx: within.filter((a) => a.status >= 200 && a.status < 300).length,
      answered4xx: within.filter((a) => a.status >= 400 && a.status < 500).length,
      answered5xx: within.filter((a) => a.status >= 500).length,
      unanswered: within.filter((a) => a.status === 0).length,
      codes,
    };
  }

  private async client(c: number, agent: http.Agent): Promise<void> {
    const token = this.tokens[c % this.tokens.length];
    const edits = this.options.editsPerForm ?? 4;
    let current: { id: string; version: number; edits: number } | null = null;
    let n = 0;
    while (this.running) {
      n++;
      let answer: Answer;
      if (!current) {
        answer = await this.send(c, agent, token, 'create', 'POST', '/api/evaluations', newMediaForm({ fiscalYear: this.options.fiscalYear ?? 2021, projectName: `${this.options.label ?? '负载'} ${c}-${n}` }));
        if (answer.id && answer.version !== null) current = { id: answer.id, version: answer.version, edits: 0 };
      } else if (n % 7 === 0) {
        answer = await this.send(c, agent, token, 'read', 'GET', `/api/evaluations/${current.id}`);
      } else if (current.edits < edits) {
        const form = newMediaForm({ fiscalYear: this.options.fiscalYear ?? 2021, projectName: `${this.options.label ?? '负载'} ${c}-${n}`, goals: { expected: `目标 ${n}`, actual: `完成 ${n}` } });
        answer = await this.send(c, agent, token, 'edit', 'PUT', `/api/evaluations/${current.id}`, { ...form, expectedVersion: current.version }, current.id);
        if (answer.version !== null) current = { id: current.id, version: answer.version, edits: current.edits + 1 };
        // A conflict means an earlier answer was lost (e.g. the API died after committing): read the version again.
        else if (answer.code === 'VERSION_CONFLICT') current = await this.reload(c, agent, token, current);
      } else {
        answer = await this.send(c, agent, token, 'submit', 'POST', `/api/evaluations/${current.id}/submit`, { expectedVersion: current.version }, current.id);
        if (answer.version !== null || answer.code === 'VERSION_CONFLICT' || answer.code === 'ILLEGAL_TRANSITION') current = null;
      }
      if (answer.status === 0 || answer.status >= 500) await new Promise((r) => setTimeout(r, 100));
      else if (this.options.pauseMs) await new Promise((r) => setTimeout(r, this.options.pauseMs));
    }
  }

  private async reload(c: number, agent: http.Agent, token: string, current: { id: string; version: number; edits: number }) {
    const read = await this.send(c, agent, token, 'read', 'GET', `/api/evaluations/${current.id}`);
    return read.version !== null ? { ...current, version: read.version } : current;
  }

  private send(c: number, agent: http.Agent, token: string, kind: Answer['kind'], method: string, path: string, body?: object, id: string | null = null): Promise<Answer> {
    const sentAt = Date.now();
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const url = new URL(path, this.baseUrl());
    return new Promise((resolve) => {
      const done = (answer: Omit<Answer, 'client' | 'kind' | 'sentAt' | 'at'>) => {
        const full = { client: c, kind, sentAt, at: Date.now(), ...answer };
        this.answers.push(full);
        resolve(full);
      };
      const req = http.request(
        { host: url.hostname, port: url.port, method, path: url.pathname, agent, timeout: 15_000, headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d) => (text += d));
          res.on('error', (error: NodeJS.ErrnoException) => done({ status: 0, code: null, error: error.code ?? error.message, retryAfter: null, id, version: null }));
          res.on('end', () => {
            let json: { id?: string; version?: number; code?: string } = {};
            try {
              json = JSON.parse(text);
            } catch {
              // not JSON
            }
            const ok = res.statusCode! >= 200 && res.statusCode! < 300;
            done({
              status: res.statusCode!,
              code: json.code ?? null,
              error: null,
              retryAfter: (res.headers['retry-after'] as string | undefined) ?? null,
              id: json.id ?? id,
              version: ok && typeof json.version === 'number' ? json.version : null,
            });
          });
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
      req.on('error', (error: NodeJS.ErrnoException) => done({ status: 0, code: null, error: error.code ?? error.message, retryAfter: null, id, version: null }));
      if (payload) req.write(payload);
      req.end();
    });
  }
}

/** Counts of the answers by status class, as one line for the suite's figures. */
export function describeFigures(f: LoadFigures): string {
  return `${f.sent} requests: ${f.answered2xx} 2xx, ${f.answered4xx} 4xx, ${f.answered5xx} 5xx, ${f.unanswered} unanswered (${Object.entries(f.codes)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ×${v}`)
    .join(', ')})`;
}
