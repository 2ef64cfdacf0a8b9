/** How times read on the page: pure, so the unit tests run them without a DOM. */

/** "2026-11-27 12:00:03 UTC": unambiguous, and sorts as text. */
export function when(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
}

/** "in 4 min", "3 min ago", "in 40 s": how far `iso` is from `now`, in the largest unit that reads well. */
export function relativeTime(iso: string, now: number): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  if (seconds === 0) return 'now';
  const size = Math.abs(seconds);
  const [minutes, hours, days] = [60, 3600, 86400].map((unit) => Math.round(size / unit)) as [number, number, number];
  const text = size < 60 ? `${size} s` : minutes < 60 ? `${minutes} min` : hours < 48 ? `${hours} h` : `${days} d`;
  return seconds > 0 ? `in ${text}` : `${text} ago`;
}
