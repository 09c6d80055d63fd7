import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { OnApplicationShutdown } from '@nestjs/common';
import type { ObjectStorageLocation } from '#perf-eval/config';
import { AttachmentStorage, assertDigest } from './attachment-storage.js';

/** What the S3 client is made of: the bucket of STORAGE_URL and the credentials (the URL's, else AWS_* of the configuration). */
export interface S3StorageOptions extends ObjectStorageLocation {
  sessionToken: string | null;
  defaultRegion: string | null;
}

/**
 * The bytes as objects `<prefix><sha256>` of an S3-compatible bucket (AWS S3, MinIO, a cloud's object storage).
 * Without credentials in the URL or the configuration, the AWS SDK's default chain finds them (instance roles).
 */
export class S3AttachmentStorage extends AttachmentStorage implements OnApplicationShutdown {
  private readonly client: S3Client;

  constructor(private readonly options: S3StorageOptions) {
    super();
    this.client = new S3Client({
      region: options.region ?? options.defaultRegion ?? 'us-east-1',
      endpoint: options.endpoint ?? undefined,
      forcePathStyle: options.forcePathStyle,
      credentials:
        options.accessKeyId && options.secretAccessKey
          ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey, sessionToken: options.sessionToken ?? undefined }
          : undefined,
      // Checksums only where S3 requires them: several S3-compatible servers reject or omit the newer checksum headers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(sha256: string, bytes: Buffer): Promise<void> {
    assertDigest(sha256, bytes);
    const key = this.key(sha256);
    if (await this.exists(key)) return;
    await this.request(() => this.client.send(new PutObjectCommand({ Bucket: this.options.bucket, Key: key, Body: bytes, ContentLength: bytes.length, ContentType: 'application/octet-stream' })));
  }

  async get(sha256: string): Promise<Buffer | null> {
    if (!/^[0-9a-f]{64}$/.test(sha256)) return null;
    try {
      const object = await this.request(() => this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.key(sha256) })));
      return object.Body ? Buffer.from(await this.request(() => object.Body!.transformToByteArray())) : Buffer.alloc(0);
    } catch (error) {
      if (notFound(error)) return null;
      throw error;
    }
  }

  onApplicationShutdown(): void {
    this.client.destroy();
  }

  /**
   * The server's own answers (S3ServiceException: NoSuchKey, AccessDenied, …) pass as they are; a failure to reach
   * it becomes an error that names the object storage and carries no socket `code`, so the API's error filter
   * does not take an unreachable bucket for an unreachable PostgreSQL (503 "database", /api/health): it is a 500,
   * logged.
   */
  private async request<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      if (error instanceof S3ServiceException) throw error;
      // A socket error, Node's AggregateError of the addresses tried, or the SDK's wrapper of either (its message).
      const failure = error as { code?: unknown; errors?: { code?: unknown }[]; name?: string; message?: string };
      const reason = failure.code ?? failure.errors?.find((e) => e.code)?.code ?? /\bE[A-Z]{3,}\b/.exec(failure.message ?? '')?.[0] ?? failure.name;
      throw new Error(`Object storage (STORAGE_URL) request failed: ${String(reason)}`, { cause: error });
    }
  }

  private key(sha256: string): string {
    return `${this.options.prefix}${sha256}`;
  }

  private async exists(key: string): Promise<boolean> {
    try {
      await this.request(() => this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: key })));
      return true;
    } catch (error) {
      if (notFound(error)) return false;
      throw error;
    }
  }
}

function notFound(error: unknown): boolean {
  return error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata.httpStatusCode === 404);
}
