import request from 'supertest';

export interface Session {
  token: string;
  user: { id: string; username: string; roles: string[]; unitIds: string[] };
}

/** A signed-in person talking to the API over HTTP. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly session: Session | null = null,
  ) {}

  static async login(baseUrl: string, username: string, password = 'demo1234'): Promise<ApiClient> {
    const res = await request(baseUrl).post('/api/auth/login').send({ username, password });
    if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return new ApiClient(baseUrl, { token: res.body.accessToken, user: res.body.user });
  }

  get id(): string {
    return this.session!.user.id;
  }

  get(path: string) {
    return this.auth(request(this.baseUrl).get(path));
  }

  post(path: string, body?: object) {
    return this.auth(request(this.baseUrl).post(path)).send(body ?? {});
  }

  postText(path: string, text: string) {
    return this.auth(request(this.baseUrl).post(path)).set('Content-Type', 'text/plain').send(text);
  }

  patch(path: string, body: object) {
    return this.auth(request(this.baseUrl).patch(path)).send(body);
  }

  put(path: string, body: object) {
    return this.auth(request(this.baseUrl).put(path)).send(body);
  }

  private auth(req: request.Test): request.Test {
    return this.session ? req.set('Authorization', `Bearer ${this.session.token}`) : req;
  }
}
