import busboy from 'busboy';
import type { Request } from 'express';
import type { FileRule } from '../../domain/kinds/index.js';
import { FileTooLarge, StorageFull, type FileStore, type StagedFile } from '../../files/store.js';
import { sniffFile } from '../../files/sniff.js';
import { HttpError, keyedError, listedDetails, say, storageFull, wordedError, type Say } from '../errors.js';
import { translate, translateWith } from '../../i18n/index.js';
import { apiInputError, controlCharacterProblems } from '../input-guard.js';
import { boundariesOf, PartCounter } from './multipart-parts.js';

export interface MultipartForm {
  fields: Record<string, string>;
  files: Record<string, StagedFile>;
}

const MAX_FIELDS = 40;
const MAX_FIELD_BYTES = 16 * 1024;

/** A field refused as the body's validation refuses one: 422 naming it. */
const invalid = (path: string, problem: Say) =>
  wordedError(422, 'validation_failed', (lang) => {
    const details = [{ path, message: translateWith(lang, problem.key, {}) }];
    return { message: listedDetails(lang, translate(lang, 'api.validationFailed'), details), details };
  });

/** busboy's own reason is English, and told only to English readers. */
const unreadableBody = (err: Error) =>
  wordedError(400, 'malformed_multipart', (lang) => ({
    message: lang === 'en' ? `the multipart body cannot be read: ${err.message}` : translate(lang, 'api.multipart.unreadable'),
    details: [{ path: '(body)', message: translate(lang, 'api.unreadable') }],
  }));

const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

/**
 * Reads a multipart form: text fields into memory (small, counted), each file streamed to the
 * staging folder under its own size limit and then judged by its content. Any refusal names the
 * field; files already staged are discarded with it, so a refused request leaves nothing behind.
 */
export async function readMultipart(req: Request, store: FileStore, rules: Record<string, FileRule>): Promise<MultipartForm> {
  if (!req.is('multipart/form-data')) {
    throw keyedError(415, 'unsupported_media_type', say('api.unsupportedMultipart'), [{ path: '(body)', say: say('api.expectedMultipart') }]);
  }
  const form: MultipartForm = { fields: {}, files: {} };
  const staging: Promise<StagedFile | undefined>[] = [];
  let failure: HttpError | undefined;
  const fail = (e: HttpError) => {
    failure ??= e;
  };

  const boundaries = boundariesOf(req.get('content-type'));
  if (boundaries.length > 1) {
    throw keyedError(400, 'malformed_multipart', say('api.multipart.twoBoundaries'), [{ path: 'Content-Type', say: say('api.multipart.oneBoundary') }]);
  }
  const counter = boundaries[0] ? new PartCounter(boundaries[0]) : undefined;
  let seen = 0;

  const largest = Math.max(0, ...Object.values(rules).map((r) => r.maxBytes));
  let bb: busboy.Busboy;
  try {
    bb = busboy({
      headers: req.headers,
      // Browsers and curl send a file's name as raw UTF-8 in `filename="…"`; busboy would read it as Latin-1.
      defParamCharset: 'utf8',
      limits: { fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES, files: Object.keys(rules).length + 1, fileSize: largest + 1, parts: MAX_FIELDS + 10 },
    });
  } catch (err) {
    throw unreadableBody(err as Error);
  }

  const nameless = () => keyedError(400, 'malformed_multipart', say('api.multipart.nameless'), [{ path: '(body)', say: say('api.multipart.needsName') }]);
  bb.on('field', (name, value, info) => {
    seen += 1;
    if (typeof name !== 'string' || name === '') fail(nameless());
    else if (info.valueTruncated) fail(keyedError(413, 'too_large', say('api.multipart.fieldTooLong', { name }), [{ path: name, say: say('api.atMostBytes', { size: `${MAX_FIELD_BYTES / 1024} kB` }) }]));
    else if (Object.hasOwn(rules, name)) fail(invalid(name, say('api.multipart.isFile')));
    else if (Object.hasOwn(form.fields, name)) fail(invalid(name, say('api.multipart.twice')));
    else form.fields[name] = value;
  });
  bb.on('fieldsLimit', () => fail(keyedError(413, 'too_large', say('api.multipart.tooManyFields'), [{ path: '(body)', say: say('api.multipart.atMostFields', { count: MAX_FIELDS }) }])));
  bb.on('filesLimit', () => fail(keyedError(413, 'too_large', say('api.multipart.tooManyFiles'), [{ path: '(body)', say: say('api.multipart.tooManyFiles') }])));
  // Named as each part begins: a file is staged asynchronously, so a second part of the same name may start before the first is done.
  const fileParts = new Set<string>();
  bb.on('partsLimit', () => fail(keyedError(413, 'too_large', say('api.multipart.tooManyParts'), [{ path: '(body)', say: say('api.multipart.atMostParts', { count: MAX_FIELDS + 10 }) }])));
  bb.on('file', (name, stream, info) => {
    seen += 1;
    // A part cut short (a truncated body, an abort, a parse error later on) errors its stream too, also
    // after staging has let go of it or when it is only being drained; the request's refusal says why.
    stream.on('error', () => undefined);
    if (typeof name !== 'string' || name === '') {
      fail(nameless());
      stream.resume();
      return;
    }
    const rule = Object.hasOwn(rules, name) ? rules[name] : undefined;
    const twice = fileParts.has(name);
    fileParts.add(name);
    if (!rule || failure || twice) {
      if (!rule) fail(invalid(name, say('api.multipart.unknownFileField')));
      else if (twice) fail(invalid(name, say('api.multipart.twice')));
      stream.resume();
      return;
    }
    const staged = store.stage(name, info.filename ?? name, stream, rule.maxBytes).then(
      async (file) => {
        if (file.size === 0) {
          fail(invalid(name, say('api.multipart.emptyFile')));
          return file;
        }
        const sniffed = await sniffFile(file.stagingPath);
        if (!sniffed.type || !rule.types.includes(sniffed.type)) {
          const found = sniffed.type ?? sniffed.detected;
          fail(
            wordedError(415, 'unsupported_media_type', (lang) => {
              const what = found ?? translate(lang, 'api.multipart.unknownFormat');
              const types = rule.types.join(translate(lang, 'api.multipart.or')).toUpperCase();
              const detail = translateWith(lang, 'api.multipart.contentIs', { types, what });
              return { message: translateWith(lang, 'api.multipart.wrongType', { name, types, what }), details: [{ path: name, message: detail }] };
            }),
          );
        }
        file.type = sniffed.type ?? undefined;
        form.files[name] = file;
        return file;
      },
      (err: unknown) => {
        stream.resume();
        if (err instanceof FileTooLarge) fail(keyedError(413, 'too_large', say('api.multipart.fileTooLarge', { name, size: mb(rule.maxBytes) }), [{ path: name, say: say('api.atMostBytes', { size: mb(rule.maxBytes) }) }]));
        else if (err instanceof StorageFull) fail(storageFull(name));
        else fail(keyedError(400, 'malformed_multipart', say('api.multipart.notRead', { name }), [{ path: name, say: say('api.multipart.interrupted') }]));
        return undefined;
      },
    );
    staging.push(staged);
  });

  try {
    await new Promise<void>((resolve, reject) => {
      bb.once('close', resolve);
      // `on`, not `once`: busboy reports every malformed part, and it goes on parsing (and erroring)
      // after the first; an 'error' with no listener left would end the process.
      const unreadable = (err: Error) => reject(unreadableBody(err));
      bb.on('error', unreadable);
      req.on('error', unreadable);
      req.once('aborted', () => {
        const err = keyedError(400, 'malformed_multipart', say('api.multipart.uploadInterrupted'), [{ path: '(body)', say: say('api.multipart.interrupted') }]);
        // Ends the part being streamed too: its staged file is then removed, not left waiting for bytes that never come.
        bb.destroy(err);
        reject(err);
      });
      if (counter) req.on('data', (chunk: Buffer) => counter.push(chunk));
      req.pipe(bb);
    });
  } catch (err) {
    fail(err instanceof HttpError ? err : keyedError(400, 'malformed_multipart', say('api.multipart.unreadable'), [{ path: '(body)', say: say('api.unreadable') }]));
  }
  const staged = (await Promise.all(staging)).filter((f): f is StagedFile => f !== undefined);
  if (!failure && counter && counter.parts > seen) {
    fail(keyedError(400, 'malformed_multipart', say('api.multipart.notFormData'), [{ path: '(body)', say: say('api.multipart.formDataOnly') }]));
  }
  if (!failure) {
    const problems = controlCharacterProblems(form.fields, 'body');
    if (problems.length > 0) fail(apiInputError(problems));
  }
  if (failure) {
    await store.discard(staged);
    req.unpipe();
    req.resume();
    throw failure;
  }
  return form;
}

