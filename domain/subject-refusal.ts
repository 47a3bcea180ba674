/**
 * A submission refused by a rule that needs stored facts (the type is already applied for, the
 * enterprise is not approved). Raised by the subject stores; the API answers it with its status,
 * code and the field it concerns.
 */
export class SubjectRefusal extends Error {
  constructor(
    readonly status: 404 | 409 | 413 | 415 | 422,
    readonly code: string,
    /** A message key (worded in the reader's language with `params`), or text already worded. */
    message: string,
    readonly path: string = '(body)',
    /** The facts of a gate's refusal: then the API words it by its code in the caller's language (gate.<code>). */
    readonly params?: Record<string, string | null>,
  ) {
    super(message);
    this.name = 'SubjectRefusal';
  }
}
