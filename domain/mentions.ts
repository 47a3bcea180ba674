/** Someone a note may name with @: their e-mail or their name as the staff list shows it. */
export interface Mentionable {
  id: string;
  name: string;
  email: string;
}

/** Characters that may follow a mention: the end, a space or punctuation (of either language), not more of a word. */
const END = /^(?:$|[\s,.;:!?，。；：！？、)）\]】"'“”‘’])/u;

/**
 * The people a note names with `@` followed by their e-mail or their full name (any case). Names
 * may hold spaces ("@Li Lei"), so each known person is looked for rather than words parsed; a longer
 * match wins where one name begins another's. Each person once, in the order first named.
 */
export function mentionsIn(note: string, people: readonly Mentionable[]): string[] {
  const text = note.toLowerCase();
  const found: { id: string; at: number; length: number }[] = [];
  for (const p of people) {
    for (const handle of [p.email, p.name].map((h) => h.trim().toLowerCase()).filter(Boolean)) {
      let from = 0;
      for (let at = text.indexOf(`@${handle}`, from); at >= 0; at = text.indexOf(`@${handle}`, from)) {
        from = at + 1;
        if (!END.test(text.slice(at + handle.length + 1))) continue;
        found.push({ id: p.id, at, length: handle.length });
        break;
      }
    }
  }
  const seen = new Set<string>();
  return found
    .filter((f) => !found.some((g) => g.at === f.at && g.length > f.length))
    .sort((a, b) => a.at - b.at)
    .map((f) => f.id)
    .filter((id) => !seen.has(id) && (seen.add(id), true));
}
