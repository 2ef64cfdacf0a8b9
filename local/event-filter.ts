/**
 * Lambda's event filtering (the EventBridge pattern syntax), for the part of it this service uses
 * and its documented comparison operators: the local server runs the publisher's filter patterns
 * (functions/events/stream-filter.ts) over DynamoDB Local's stream as Lambda runs them over the
 * table's stream in AWS, so that the same records, and only those, reach the publisher.
 *
 * A pattern matches an event when every field it names is in the event and matches: a nested
 * object matches field by field; an array of rules matches when any rule does (an array value in
 * the event, when any of its elements does). Rules: a string, number, boolean or null (equals; a
 * number compares by value here, where Lambda compares its text: 300 and 300.0 differ there), `{ prefix }`, `{ suffix }`, `{ "equals-ignore-case" }`,
 * `{ "anything-but": value | [values] | { prefix } }`, `{ numeric: [op, n, op, n] }` and
 * `{ exists: true | false }`. Patterns are ORed by the caller (Lambda's FilterCriteria).
 */

type Rule = unknown;

/** Whether `event` matches `pattern`. */
export function matchesPattern(pattern: Record<string, unknown>, event: unknown): boolean {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return false;
  const fields = event as Record<string, unknown>;
  return Object.entries(pattern).every(([name, rule]) => {
    const present = Object.prototype.hasOwnProperty.call(fields, name);
    if (Array.isArray(rule)) return matchesRules(rule, present, fields[name]);
    // A nested pattern needs the field, and an object there.
    return present && matchesPattern(rule as Record<string, unknown>, fields[name]);
  });
}

/** Whether any rule matches the field (absent when `present` is false). */
function matchesRules(rules: readonly Rule[], present: boolean, value: unknown): boolean {
  return rules.some((rule) => {
    if (isExists(rule)) return rule.exists === present;
    if (!present) return false;
    const values = Array.isArray(value) ? value : [value];
    return values.some((one) => matchesRule(rule, one));
  });
}

const isExists = (rule: Rule): rule is { exists: boolean } =>
  typeof rule === 'object' && rule !== null && 'exists' in rule;

function matchesRule(rule: Rule, value: unknown): boolean {
  if (rule === null || typeof rule !== 'object') return rule === value;
  const [operator, operand] = Object.entries(rule)[0] ?? [];
  switch (operator) {
    case 'prefix':
      return typeof value === 'string' && value.startsWith(String(operand));
    case 'suffix':
      return typeof value === 'string' && value.endsWith(String(operand));
    case 'equals-ignore-case':
      return typeof value === 'string' && value.toLowerCase() === String(operand).toLowerCase();
    case 'anything-but': {
      const excluded = Array.isArray(operand) ? operand : [operand];
      return !excluded.some((one: Rule) => matchesRule(one, value));
    }
    case 'numeric':
      return typeof value === 'number' && numeric(operand as (string | number)[], value);
    default:
      throw new Error(`event pattern: unknown rule ${JSON.stringify(rule)}`);
  }
}

function numeric(conditions: readonly (string | number)[], value: number): boolean {
  for (let i = 0; i < conditions.length; i += 2) {
    const bound = Number(conditions[i + 1]);
    const ok = {
      '=': value === bound,
      '<': value < bound,
      '<=': value <= bound,
      '>': value > bound,
      '>=': value >= bound,
    }[String(conditions[i]) as '=' | '<' | '<=' | '>' | '>='];
    if (ok !== true) return false;
  }
  return true;
}
