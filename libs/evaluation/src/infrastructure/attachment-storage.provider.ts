import type { Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '#perf-eval/config';
import { AttachmentStorage, PostgresAttachmentStorage } from './attachment-storage.js';
import { S3AttachmentStorage } from './s3-attachment-storage.js';

/** STORAGE_URL decides where evidence files go: unset, PostgreSQL; an s3:// URL, that bucket. */
export function attachmentStorageFor(config: AppConfig, dataSource: DataSource): AttachmentStorage {
  const location = config.storageUrl;
  if (!location) return new PostgresAttachmentStorage(dataSource);
  return new S3AttachmentStorage({
    ...location,
    accessKeyId: location.accessKeyId ?? config.awsAccessKeyId,
    secretAccessKey: location.secretAccessKey ?? config.awsSecretAccessKey,
    sessionToken: location.accessKeyId ? null : config.awsSessionToken,
    defaultRegion: config.awsRegion,
  });
}

export const attachmentStorageProvider: Provider = {
  provide: AttachmentStorage,
  inject: [AppConfig, DataSource],
  useFactory: attachmentStorageFor,
};
