import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

/**
 * A real S3-compatible server (s3rver: the S3 REST API over HTTP, objects in a temporary directory) on a free
 * port of 127.0.0.1, with one bucket; its credentials are S3RVER / S3RVER, and it wants path-style URLs.
 */
export class S3Server {
  readonly bucket = 'evidence';
  readonly accessKeyId = 'S3RVER';
  readonly secretAccessKey = 'S3RVER';
  endpoint = '';
  private server: S3rver | null = null;
  private directory = '';

  async start(): Promise<this> {
    this.directory = await mkdtemp(path.join(os.tmpdir(), 'pe-s3-'));
    this.server = new S3rver({ address: '127.0.0.1', port: 0, directory: this.directory, silent: true, configureBuckets: [{ name: this.bucket }] });
    const { port } = await this.server.run();
    this.endpoint = `http://127.0.0.1:${port}`;
    return this;
  }

  /** STORAGE_URL naming this server's bucket under `prefix`. */
  storageUrl(prefix: string): string {
    return `s3://${this.bucket}/${prefix}?endpoint=${encodeURIComponent(this.endpoint)}&forcePathStyle=true`;
  }

  async stop(): Promise<void> {
    await this.server?.close();
    if (this.directory) await rm(this.directory, { recursive: true, force: true });
  }
}
