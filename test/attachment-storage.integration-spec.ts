import { randomBytes, createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { DataSource } from 'typeorm';
import { AppConfig, loadConfig } from '#perf-eval/config';
import { AttachmentStorage, PostgresAttachmentStorage, S3AttachmentStorage, attachmentStorageFor } from '#perf-eval/evaluation';
import { TestDatabase } from './support/test-database.js';
import { S3Server } from './support/s3-server.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * The one contract of the attachment storage, run against both implementations on real servers: PostgreSQL
 * (its own database, migrated) and an S3-compatible server (s3rver over HTTP, the AWS SDK v3 client), each
 * chosen by STORAGE_URL as the API chooses it.
 */
const db = new TestDatabase();
const s3 = new S3Server();
let dataSource: DataSource;

beforeAll(async () => {
  [dataSource] = await Promise.all([db.create(), s3.start()]);
});

afterAll(async () => {
  await Promise.all([db.drop(), s3.stop()]);
});

function configOf(env: Record<string, string>): AppConfig {
  return loadConfig(env) as AppConfig;
}

const implementations: [string, () => AttachmentStorage, () => Promise<number>][] = [
  [
    'PostgreSQL (STORAGE_URL unset)',
    () => attachmentStorageFor(configOf({}), dataSource),
    async () => Number((await dataSource.query('SELECT count(*) AS n FROM attachment_blobs'))[0].n),
  ],
  [
    'S3-compatible (STORAGE_URL=s3://…)',
    () => attachmentStorageFor(configOf({ STORAGE_URL: s3.storageUrl('contract/'), AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey }), dataSource),
    async () => (await objectKeys('contract/')).length,
  ],
];

describe.each(implementations)('Attachment storage: %s', (_name, make, storedCount) => {
  let storage: AttachmentStorage;

  beforeAll(() => {
    storage = make();
  });

  afterAll(() => {
    (storage as Partial<{ onApplicationShutdown(): void }>).onApplicationShutdown?.();
  });

  it('gives back exactly the bytes it was given, by their digest', async () => {
    const bytes = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(300_000), Buffer.from([0, 255, 0x0d, 0x0a])]);
    await storage.put(sha256(bytes), bytes);
    const back = await storage.get(sha256(bytes));
    expect(back).not.toBeNull();
    expect(back!.equals(bytes)).toBe(true);
  });

  it('keeps the same bytes once, however often and however concurrently they are stored', async () => {
    const bytes = randomBytes(50_000);
    const before = await storedCount();
    await Promise.all([storage.put(sha256(bytes), bytes), storage.put(sha256(bytes), bytes), storage.put(sha256(bytes), bytes)]);
    await storage.put(sha256(bytes), Buffer.from(bytes));
    expect(await storedCount()).toBe(before + 1);
    expect((await storage.get(sha256(bytes)))!.equals(bytes)).toBe(true);
  });

  it('answers null for a digest it does not hold, and for what is no digest', async () => {
    expect(await storage.get(sha256(randomBytes(16)))).toBeNull();
    expect(await storage.get('../../etc/passwd')).toBeNull();
  });

  it('refuses a key that is not the digest of the bytes, storing nothing', async () => {
    const before = await storedCount();
    const bytes = randomBytes(1000);
    const other = sha256(randomBytes(10));
    await expect(storage.put(other, bytes)).rejects.toThrow('is not the SHA-256');
    await expect(storage.put('not-a-digest', bytes)).rejects.toThrow('is not the SHA-256');
    expect(await storedCount()).toBe(before);
    expect(await storage.get(other)).toBeNull();
  });

  it('stores an empty file and a file of 20 MB', async () => {
    const empty = Buffer.alloc(0);
    const large = randomBytes(20 * 1024 * 1024);
    await storage.put(sha256(empty), empty);
    await storage.put(sha256(large), large);
    expect((await storage.get(sha256(empty)))!.length).toBe(0);
    expect((await storage.get(sha256(large)))!.equals(large)).toBe(true);
  });
});

describe('Attachment storage: the choice by STORAGE_URL', () => {
  it('is PostgreSQL without STORAGE_URL, the bucket with one', () => {
    expect(attachmentStorageFor(configOf({}), dataSource)).toBeInstanceOf(PostgresAttachmentStorage);
    const s3Storage = attachmentStorageFor(configOf({ STORAGE_URL: s3.storageUrl('x/'), AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's' }), dataSource);
    expect(s3Storage).toBeInstanceOf(S3AttachmentStorage);
    (s3Storage as S3AttachmentStorage).onApplicationShutdown();
  });

  it('puts the objects under the prefix, named by their digest, and nothing into PostgreSQL', async () => {
    const storage = attachmentStorageFor(configOf({ STORAGE_URL: s3.storageUrl('units/2021/'), AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey }), dataSource);
    const bytes = randomBytes(2048);
    const rowsBefore = Number((await dataSource.query('SELECT count(*) AS n FROM attachment_blobs'))[0].n);
    await storage.put(sha256(bytes), bytes);
    expect(await objectKeys('units/2021/')).toEqual([`units/2021/${sha256(bytes)}`]);
    const object = await client().send(new GetObjectCommand({ Bucket: s3.bucket, Key: `units/2021/${sha256(bytes)}` }));
    expect(Buffer.from(await object.Body!.transformToByteArray()).equals(bytes)).toBe(true);
    expect(Number((await dataSource.query('SELECT count(*) AS n FROM attachment_blobs'))[0].n)).toBe(rowsBefore);
    (storage as S3AttachmentStorage).onApplicationShutdown();
  });

  // s3rver checks the access key id of a request (it does not compute SigV4 signatures): an unknown one is refused.
  it('takes the credentials from the URL: an unknown key is refused by the server', async () => {
    const url = s3.storageUrl('creds/').replace('s3://', 's3://NOBODY:S3RVER@');
    const storage = attachmentStorageFor(configOf({ STORAGE_URL: url }), dataSource);
    const bytes = randomBytes(10);
    await expect(storage.put(sha256(bytes), bytes)).rejects.toThrow();
    (storage as S3AttachmentStorage).onApplicationShutdown();
    const right = attachmentStorageFor(configOf({ STORAGE_URL: s3.storageUrl('creds/').replace('s3://', 's3://S3RVER:S3RVER@') }), dataSource);
    await right.put(sha256(bytes), bytes);
    expect((await right.get(sha256(bytes)))!.equals(bytes)).toBe(true);
    (right as S3AttachmentStorage).onApplicationShutdown();
  });
});

describe('Attachment storage: an object storage that cannot be reached', () => {
  it('fails with an error naming the object storage, never one the API would take for PostgreSQL being away', async () => {
    const closed = attachmentStorageFor(configOf({ STORAGE_URL: 's3://evidence/x/?endpoint=http%3A%2F%2F127.0.0.1%3A9&forcePathStyle=true', AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's' }), dataSource);
    const bytes = randomBytes(8);
    for (const attempt of [() => closed.put(sha256(bytes), bytes), () => closed.get(sha256(bytes))]) {
      const error = (await attempt().then(() => null, (e: unknown) => e)) as Error & { code?: unknown };
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toBe('Object storage (STORAGE_URL) request failed: ECONNREFUSED');
      expect(error.code).toBeUndefined();
    }
    (closed as S3AttachmentStorage).onApplicationShutdown();
  });
});

function client(): S3Client {
  return new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
}

async function objectKeys(prefix: string): Promise<string[]> {
  const listed = await client().send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key!).sort();
}
