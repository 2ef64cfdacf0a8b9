/** Structured JSON log lines. Never pass request bodies or tokens. */
type Fields = Record<string, unknown>;

const write = (level: string, message: string, fields: Fields) =>
  console.log(JSON.stringify({ level, message, timestamp: new Date().toISOString(), ...fields }));

export const log = {
  warn: (message: string, fields: Fields = {}) => write('WARN', message, fields),
  error: (message: string, fields: Fields = {}) => write('ERROR', message, fields),
};
