import request from 'supertest';

export interface Session {
  token: string;
  user: { id: string; username: string; displayName: string; roles: string[]; unitIds: string[] };
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

  /** A file posted as itself, e.g. a .docx with its own content type. */
  postFile(path: string, bytes: Buffer, contentType: string) {
    return this.auth(request(this.baseUrl).post(path)).set('Content-Type', contentType).send(bytes);
  }

  /** A multipart upload, as the web app's import page sends a chosen file. */
  upload(path: string, bytes: Buffer, fileName: string, field = 'file') {
    return this.auth(request(this.baseUrl).post(path)).attach(field, bytes, fileName);
  }

  /** A download: the body as bytes, whatever its content type. */
  getBinary(path: string) {
    return this.auth(request(this.baseUrl).get(path))
      .buffer(true)
      .parse((res, callback) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => callback(null, Buffer.concat(chunks)));
      });
  }

  patch(path: string, body: object) {
    return this.auth(request(this.baseUrl).patch(path)).send(body);
  }

  delete(path: string) {
    return this.auth(request(this.baseUrl).delete(path));
  }

  put(path: string, body: object) {
    return this.auth(request(this.baseUrl).put(path)).send(body);
  }

  private auth(req: request.Test): request.Test {
    return this.session ? req.set('Authorization', `Bearer ${this.session.token}`) : req;
  }
}
