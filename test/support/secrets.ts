import { isResidentIdNumber } from '../../domain/identity-codes.js';

/**
 * What must never reach a log line, and a scan for it: the values a test knows (API keys,
 * passwords, app secrets, session cookies, ID numbers) and the shapes of those it may not know
 * (a generated API key, a whole resident ID number anywhere in the text).
 */
export class SecretWatch {
  private known = new Map<string, string>();

  /** Remembers a value under a label ("api key of tenant A"); short values would match by chance. */
  add(label: string, value: string | undefined | null): void {
    if (typeof value === 'string' && value.length >= 8) this.known.set(value, label);
  }

  get size(): number {
    return this.known.size;
  }

  /** Every log line that holds a secret, with what it holds (the value itself is not repeated). */
  leaks(lines: Iterable<string>): string[] {
    const found: string[] = [];
    for (const line of lines) {
      for (const [value, label] of this.known) if (line.includes(value)) found.push(`${label} in: ${excerpt(line, value)}`);
      for (const key of line.match(/vrd_[A-Za-z0-9_-]{24,}/g) ?? []) if (!this.known.has(key)) found.push(`an API key in: ${excerpt(line, key)}`);
      for (const id of line.match(/(?<![0-9])\d{17}[\dX](?![0-9A-Z])/g) ?? []) if (isResidentIdNumber(id)) found.push(`a whole ID number in: ${excerpt(line, id)}`);
      if (/vrd_sid=[A-Za-z0-9_-]{20,}/.test(line)) found.push(`a session cookie in: ${excerpt(line, 'vrd_sid=')}`);
    }
    return found;
  }
}

/** The line around the secret, the secret itself blanked, so a failure report leaks nothing either. */
function excerpt(line: string, value: string): string {
  const at = line.indexOf(value);
  return `${line.slice(Math.max(0, at - 120), at)}[…]${line.slice(at + value.length, at + value.length + 80)}`;
}
