import type { Language } from '../domain/labels.js';

/** One key's wording in every language the back office speaks. */
export type Messages = Record<string, Record<Language, string>>;
