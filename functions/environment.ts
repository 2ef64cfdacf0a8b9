/**
 * Reads a required setting from the environment when a function starts: a missing value stops the
 * function at once rather than failing on some later request.
 */
export function requiredVariable(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (!value) throw new Error(`Missing required environment variable ${name}`);
  return value;
}
