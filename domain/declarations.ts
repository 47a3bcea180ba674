/**
 * Declarations a tenant ticks in the console: the voice-call service statement (《语音通话服务使用
 * 声明》) when applying for a business type, and the authorisation statement (授权声明) before ID
 * documents are collected, on adding an enterprise and on every edit. Each submission names the
 * version it accepted; only the version in force is accepted. Pure: no I/O.
 */
export const DECLARATION_IDS = ['service_statement', 'enterprise_authorisation'] as const;
export type DeclarationId = (typeof DECLARATION_IDS)[number];

/** A version as the API writes it: a whole number from 1, as a string ("3"). */
export const DECLARATION_VERSION_PATTERN = /^[1-9][0-9]{0,5}$/;

/** The field a submission names its version in. */
export const DECLARATION_FIELD = 'declaration';

export type DeclarationProblem = 'declaration_required' | 'declaration_outdated' | 'declaration_unknown';

/** Whether the version a submission names is the one in force: absent, older, or not a version there is. */
export function judgeDeclaration(given: unknown, inForce: number): DeclarationProblem | null {
  if (given === undefined || given === null || given === '') return 'declaration_required';
  if (typeof given !== 'string' || !DECLARATION_VERSION_PATTERN.test(given)) return 'declaration_unknown';
  const version = Number(given);
  if (version === inForce) return null;
  return version < inForce ? 'declaration_outdated' : 'declaration_unknown';
}

export function isDeclarationId(v: string): v is DeclarationId {
  return (DECLARATION_IDS as readonly string[]).includes(v);
}
