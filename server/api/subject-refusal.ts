import type { Language } from '../../domain/labels.js';
import type { SubjectRefusal } from '../../domain/subject-refusal.js';
import { subjectRefusalText } from '../../i18n/gate-text.js';
import { validationWording, wordedError, type HttpError } from '../errors.js';

/** A subject store's refusal as the API answers it, in the caller's language. */
export function subjectRefusalError(err: SubjectRefusal, lang: Language): HttpError {
  return wordedError(
    err.status,
    err.code,
    (l) => {
      const details = [{ path: err.path, message: subjectRefusalText(err, l) }];
      return err.code === 'validation_failed' ? validationWording(l, details) : { message: details[0]!.message, details };
    },
    {},
    lang,
  );
}
