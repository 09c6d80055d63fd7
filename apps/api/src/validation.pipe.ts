import { BadRequestException, ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { cleanText, type FieldError } from './text-input.js';

export type { FieldError };

/**
 * Every body, query string and route parameter: first the text policy (text-input.ts) on the raw value,
 * before class-transformer sees it; then whitelist, refuse unknown fields, and name every bad field by
 * its path in the body.
 */
class RequestValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Word or Excel bytes posted as text/plain: the import names that mistake (IMPORT_UNSUPPORTED_TYPE) rather than the NULs of a zip.
    const zipAsText = metadata.type === 'body' && typeof value === 'string' && value.startsWith('PK\u0003\u0004');
    if (metadata.type !== 'custom' && !zipAsText) {
      const errors: FieldError[] = [];
      value = cleanText(value, metadata.data ?? '', errors);
      if (errors.length > 0) throw validationFailed(errors);
    }
    return super.transform(value, metadata);
  }
}

export function validationPipe(): ValidationPipe {
  return new RequestValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationFailed(flatten(errors)),
  });
}

export function validationFailed(fields: FieldError[]): BadRequestException {
  return new BadRequestException({
    code: 'VALIDATION_FAILED',
    message: `输入有误：${fields.map((f) => f.field).join('、')}`,
    details: { fields },
  });
}

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = /^\d+$/.test(e.property) ? `${prefix}[${e.property}]` : prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, messages: Object.entries(e.constraints).map(([name, text]) => (name === 'whitelistValidation' ? '不允许的字段' : text)) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}
