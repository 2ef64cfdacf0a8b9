/**
 * `node:crypto` for the typed client in the browser: it only asks for randomUUID (Idempotency-Key
 * headers of creates, which the page never sends), and browsers have it on `crypto`.
 */
export const randomUUID = (): string => globalThis.crypto.randomUUID();
