// The page's type-check sees the typed client's one import from Node as what build.ts maps it to.
declare module 'node:crypto' {
  export function randomUUID(): string;
}
