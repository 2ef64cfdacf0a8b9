/**
 * The bearer token lives in this tab's sessionStorage only: never in a shared view, and out of the
 * address bar as soon as the page sees it, whether it came with the first load or with a link
 * pasted into the open page later. (The browser's history has already recorded the address it was
 * opened with: that is why the link `npm start` prints carries a short-lived, read-only token.)
 */
const TOKEN_KEY = 'topology.token';

export const storedToken = (): string => sessionStorage.getItem(TOKEN_KEY) ?? '';

export function storeToken(token: string): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** Moves a token in the fragment into storage, takes it out of the address, and returns the fragment. */
export function takeToken(): string {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const token = params.get('token');
  if (token === null) return location.hash;
  storeToken(token.trim());
  params.delete('token');
  history.replaceState(null, '', `#${params}`);
  return location.hash;
}
