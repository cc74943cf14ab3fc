/**
 * Cuts text to at most `max` characters without splitting a surrogate pair:
 * String#slice counts UTF-16 units, and a half emoji or rare CJK character is
 * invalid text that PostgreSQL refuses.
 */
export function truncateChars(text: string, max: number): string {
  if (text.length <= max) return text;
  return Array.from(text).slice(0, max).join('');
}
