import type { DataSource } from 'typeorm';
import { Sql } from '#perf-eval/persistence';
import { sha256Of } from './attachment-content.js';

/**
 * Where the bytes of evidence files live, by their SHA-256 (content-addressed). Storing is idempotent: the same
 * bytes stored twice are kept once, and a digest once stored always answers the same bytes. Nothing is ever
 * deleted here: a removed attachment stays in the form's history, and another form may hold the same bytes.
 * Two implementations, one contract (attachment-storage.contract-spec.ts): PostgreSQL (`attachment_blobs`) when
 * STORAGE_URL is unset, an S3-compatible bucket when it names one.
 */
export abstract class AttachmentStorage {
  /** Stores `bytes` under `sha256`, which must be their digest (refused otherwise: a wrong key would serve other bytes). */
  abstract put(sha256: string, bytes: Buffer): Promise<void>;

  /** The bytes stored under `sha256`, or null when there are none. */
  abstract get(sha256: string): Promise<Buffer | null>;
}

/** Refuses a key that is not the digest of the bytes (a caller's bug, never a person's input). */
export function assertDigest(sha256: string, bytes: Buffer): void {
  if (!/^[0-9a-f]{64}$/.test(sha256) || sha256Of(bytes) !== sha256) throw new Error(`Attachment storage: ${sha256} is not the SHA-256 of the ${bytes.length} bytes given`);
}

/** The bytes in PostgreSQL, one row per distinct content (migration 1764892800000-attachment-blobs). */
export class PostgresAttachmentStorage extends AttachmentStorage {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async put(sha256: string, bytes: Buffer): Promise<void> {
    assertDigest(sha256, bytes);
    const sql = Sql.of(this.dataSource);
    // Known bytes are not sent again (up to 20 MB a file); the conflict clause covers two first uploads at once.
    if (await sql.first('SELECT 1 FROM attachment_blobs WHERE sha256 = $1', [sha256])) return;
    await sql.affected('INSERT INTO attachment_blobs (sha256, size, content) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING', [sha256, bytes.length, bytes]);
  }

  async get(sha256: string): Promise<Buffer | null> {
    if (!/^[0-9a-f]{64}$/.test(sha256)) return null;
    const row = await Sql.of(this.dataSource).first<{ content: Buffer }>('SELECT content FROM attachment_blobs WHERE sha256 = $1', [sha256]);
    return row?.content ?? null;
  }
}
