/** One server-sent event as received. */
export interface SseEvent {
  event: string;
  data: string;
}

/**
 * A small event-stream reader on Node's fetch (what EventSource does, without reconnecting): collects
 * events and comment lines, and waits for the ones a test expects.
 */
export class SseStream {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  retry: number | null = null;
  ended = false;
  private buffer = '';
  private waiters: (() => void)[] = [];

  private constructor(
    readonly response: Response,
    private readonly abort: AbortController,
  ) {}

  /** Opens the stream; answers the response itself when the server refuses (not 200). */
  static async open(baseUrl: string, ticket: string | null): Promise<SseStream> {
    const abort = new AbortController();
    const url = `${baseUrl}/api/me/stream${ticket === null ? '' : `?ticket=${encodeURIComponent(ticket)}`}`;
    const response = await fetch(url, { headers: { Accept: 'text/event-stream' }, signal: abort.signal });
    const stream = new SseStream(response, abort);
    if (response.ok && response.body) void stream.read(response.body);
    return stream;
  }

  /** The events named `event`, their data parsed as JSON. */
  data<T = Record<string, unknown>>(event: string): T[] {
    return this.events.filter((e) => e.event === event).map((e) => JSON.parse(e.data) as T);
  }

  /** Waits for the first event named `event` whose data satisfies `match`. */
  async next<T = Record<string, unknown>>(event: string, match: (data: T) => boolean = () => true, timeoutMs = 20_000): Promise<T> {
    const found = () => this.data<T>(event).find(match);
    await this.until(() => found() !== undefined || this.ended, timeoutMs, `event ${event}`);
    const value = found();
    if (value === undefined) throw new Error(`stream ended without ${event}; got ${JSON.stringify(this.events)}`);
    return value;
  }

  async until(condition: () => boolean, timeoutMs = 20_000, what = 'condition'): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!condition()) {
      const left = until - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; events so far: ${JSON.stringify(this.events).slice(0, 2000)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.abort.abort();
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        this.buffer += decoder.decode(chunk, { stream: true });
        this.parse();
      }
    } catch {
      // aborted by close(), or the server went away
    } finally {
      this.ended = true;
      this.wake();
    }
  }

  private parse(): void {
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
        else if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        else if (line.startsWith('retry:')) this.retry = Number(line.slice(6).trim());
      }
      if (data.length > 0) this.events.push({ event, data: data.join('\n') });
    }
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
