import busboy from 'busboy';
import type { Request } from 'express';
import type { FileRule } from '../../domain/kinds/index.js';
import { FileTooLarge, StorageFull, type FileStore, type StagedFile } from '../../files/store.js';
import { sniffFile } from '../../files/sniff.js';
import { HttpError, storageFull } from '../errors.js';
import { apiInputError, controlCharacterProblems } from '../input-guard.js';
import { boundariesOf, PartCounter } from './multipart-parts.js';

export interface MultipartForm {
  fields: Record<string, string>;
  files: Record<string, StagedFile>;
}

const MAX_FIELDS = 40;
const MAX_FIELD_BYTES = 16 * 1024;

const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

/**
 * Reads a multipart form: text fields into memory (small, counted), each file streamed to the
 * staging folder under its own size limit and then judged by its content. Any refusal names the
 * field; files already staged are discarded with it, so a refused request leaves nothing behind.
 */
export async function readMultipart(req: Request, store: FileStore, rules: Record<string, FileRule>): Promise<MultipartForm> {
  if (!req.is('multipart/form-data')) {
    throw new HttpError(415, 'unsupported_media_type', 'send this as multipart/form-data', [{ path: '(body)', message: 'expected multipart/form-data' }]);
  }
  const form: MultipartForm = { fields: {}, files: {} };
  const staging: Promise<StagedFile | undefined>[] = [];
  let failure: HttpError | undefined;
  const fail = (e: HttpError) => {
    failure ??= e;
  };

  const boundaries = boundariesOf(req.get('content-type'));
  if (boundaries.length > 1) {
    throw new HttpError(400, 'malformed_multipart', 'the Content-Type names more than one boundary', [{ path: '(body)', message: 'one boundary parameter' }]);
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
    throw new HttpError(400, 'malformed_multipart', `the multipart body cannot be read: ${(err as Error).message}`);
  }

  const nameless = () => new HttpError(400, 'malformed_multipart', 'a part of the form has no field name', [{ path: '(body)', message: 'every part needs a name in its Content-Disposition header' }]);
  bb.on('field', (name, value, info) => {
    seen += 1;
    if (typeof name !== 'string' || name === '') fail(nameless());
    else if (info.valueTruncated) fail(new HttpError(413, 'too_large', `${name} is too long`, [{ path: name, message: `at most ${MAX_FIELD_BYTES} bytes` }]));
    else if (Object.hasOwn(rules, name)) fail(new HttpError(422, 'validation_failed', `${name} must be a file`, [{ path: name, message: 'must be a file' }]));
    else if (Object.hasOwn(form.fields, name)) fail(new HttpError(422, 'validation_failed', `${name} is given twice`, [{ path: name, message: 'given twice' }]));
    else form.fields[name] = value;
  });
  bb.on('fieldsLimit', () => fail(new HttpError(413, 'too_large', 'too many fields', [{ path: '(body)', message: `at most ${MAX_FIELDS} fields` }])));
  bb.on('filesLimit', () => fail(new HttpError(413, 'too_large', 'too many files', [{ path: '(body)', message: 'too many files' }])));
  // Named as each part begins: a file is staged asynchronously, so a second part of the same name may start before the first is done.
  const fileParts = new Set<string>();
  bb.on('partsLimit', () => fail(new HttpError(413, 'too_large', 'too many parts', [{ path: '(body)', message: `at most ${MAX_FIELDS + 10} parts` }])));
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
      if (!rule) fail(new HttpError(422, 'validation_failed', `unknown file field ${name}`, [{ path: name, message: 'unknown file field' }]));
      else if (twice) fail(new HttpError(422, 'validation_failed', `${name} is given twice`, [{ path: name, message: 'given twice' }]));
      stream.resume();
      return;
    }
    const staged = store.stage(name, info.filename ?? name, stream, rule.maxBytes).then(
      async (file) => {
        if (file.size === 0) {
          fail(new HttpError(422, 'validation_failed', `${name} is empty`, [{ path: name, message: 'the file is empty' }]));
          return file;
        }
        const sniffed = await sniffFile(file.stagingPath);
        if (!sniffed.type || !rule.types.includes(sniffed.type)) {
          const what = sniffed.type ?? sniffed.detected ?? 'an unknown format';
          fail(
            new HttpError(415, 'unsupported_media_type', `${name} must be ${rule.types.join(', ').toUpperCase()} by its content; this file is ${what}`, [
              { path: name, message: `must be ${rule.types.join(' or ').toUpperCase()}; the content is ${what}` },
            ]),
          );
        }
        file.type = sniffed.type ?? undefined;
        form.files[name] = file;
        return file;
      },
      (err: unknown) => {
        stream.resume();
        if (err instanceof FileTooLarge) fail(new HttpError(413, 'too_large', `${name} is larger than ${mb(rule.maxBytes)}`, [{ path: name, message: `at most ${mb(rule.maxBytes)}` }]));
        else if (err instanceof StorageFull) fail(storageFull(name));
        else fail(new HttpError(400, 'malformed_multipart', `${name} could not be read`, [{ path: name, message: 'upload interrupted' }]));
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
      const unreadable = (err: Error) => reject(new HttpError(400, 'malformed_multipart', `the multipart body cannot be read: ${err.message}`));
      bb.on('error', unreadable);
      req.on('error', unreadable);
      req.once('aborted', () => {
        const err = new HttpError(400, 'malformed_multipart', 'the upload was interrupted');
        // Ends the part being streamed too: its staged file is then removed, not left waiting for bytes that never come.
        bb.destroy(err);
        reject(err);
      });
      if (counter) req.on('data', (chunk: Buffer) => counter.push(chunk));
      req.pipe(bb);
    });
  } catch (err) {
    fail(err instanceof HttpError ? err : new HttpError(400, 'malformed_multipart', 'the multipart body cannot be read'));
  }
  const staged = (await Promise.all(staging)).filter((f): f is StagedFile => f !== undefined);
  if (!failure && counter && counter.parts > seen) {
    fail(new HttpError(400, 'malformed_multipart', 'a part of the form is not a form field', [{ path: '(body)', message: 'every part needs a "Content-Disposition: form-data" header and must come before the closing boundary' }]));
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

/** Required files that are missing, per the kind's rules and the text fields. */
export function missingFiles(rules: Record<string, FileRule>, form: MultipartForm): string[] {
  return Object.entries(rules)
    .filter(([name, rule]) => !(name in form.files) && (typeof rule.required === 'function' ? rule.required(form.fields) : rule.required))
    .map(([name]) => name);
}
