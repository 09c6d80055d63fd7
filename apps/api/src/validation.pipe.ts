import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { cleanText, type FieldError } from './text-input.js';
import { ValidationFailedError } from './api.errors.js';
import { EvaluationFormDto, UpdateEvaluationDto } from './evaluations/evaluation-form.dto.js';
import { isCertainlyValidForm } from './evaluations/form-fast-check.js';

/**
 * Every body, query string and route parameter: first the text policy (text-input.ts) on the raw value,
 * before class-transformer sees it; then (form bodies: the fast check, else) whitelist, refuse unknown
 * fields, and name every bad field by its path in the body.
 */
class RequestValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // A zip's bytes sent as text (a .docx posted as text/plain) are not text with bad characters: the
    // import names that mistake itself (IMPORT_UNSUPPORTED_TYPE).
    const zipAsText = metadata.type === 'body' && typeof value === 'string' && value.startsWith('PK\u0003\u0004');
    if (metadata.type !== 'custom' && !zipAsText) {
      const errors: FieldError[] = [];
      value = cleanText(value, metadata.data ?? '', errors);
      if (errors.length > 0) throw new ValidationFailedError(errors);
    }
    // The self-evaluation form bodies (create and edit, ~3 KB, the hot path) then go through a plain check
    // that is never more permissive than their decorators (form-fast-check.ts): a body it is sure of is
    // passed on as parsed, without class-validator's ~150 µs; anything else goes through class-validator.
    if (metadata.type === 'body' && (metadata.metatype === UpdateEvaluationDto || metadata.metatype === EvaluationFormDto)) {
      if (isCertainlyValidForm(value, metadata.metatype === UpdateEvaluationDto)) return value;
    }
    return super.transform(value, metadata);
  }
}

/** Whitelist, refuse unknown fields, and name every bad field by its path in the body. */
export const VALIDATION_OPTIONS: ConstructorParameters<typeof ValidationPipe>[0] = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  transform: true,
  validationError: { target: false, value: false },
  exceptionFactory: (errors) => new ValidationFailedError(flatten(errors)),
};

export function validationPipe(): ValidationPipe {
  return new RequestValidationPipe(VALIDATION_OPTIONS);
}

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = /^\d+$/.test(e.property) ? `${prefix}[${e.property}]` : prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, messages: Object.entries(e.constraints).map(([name, text]) => (name === 'whitelistValidation' ? '不允许的字段' : text)) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}
