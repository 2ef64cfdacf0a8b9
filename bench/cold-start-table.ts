/** The cold-start figures as a markdown table. */
import { kb, median, ms, ratio, table, verdict } from './report.ts';
import type { ColdStartResults, Paired } from './cold-start.ts';

/** The budget: every function within 1.3× of the floor, import and first invocation. */
export const COLD_START_BUDGET = 1.3;

/** The median ratio with its interquartile range: `1.21× (1.12–1.30)`. */
const spread = (p: Paired) => `${ratio(p.ratio)} (${p.quartiles.map((q) => q.toFixed(2)).join('–')})`;

export function coldStartTable(r: ColdStartResults): string {
  const first = r.functions.some((f) => f.firstInvocation);
  const rows = r.functions.map((f) => [
    f.name,
    kb(f.bytes),
    ratio(f.bytes / r.floorBytes, 3),
    f.nodeOptions ? `\`${f.nodeOptions}\`` : '–',
    ms(median(f.import.functionMs)),
    ms(median(f.import.floorMs)),
    spread(f.import),
    ...(f.firstInvocation
      ? [
          ms(median(f.firstInvocation.functionMs)),
          ms(median(f.firstInvocation.floorMs)),
          spread(f.firstInvocation),
          f.sameRequests ? ms(median(f.sameRequests.floorMs)) : '–',
          f.sameRequests ? spread(f.sameRequests) : '–',
          f.requests ?? '',
          f.answered ?? '',
        ]
      : first
        ? ['–', '–', '–', '–', '–', '', '']
        : []),
    verdict(f.import.ratio <= COLD_START_BUDGET && (f.sameRequests?.ratio ?? 0) <= COLD_START_BUDGET),
  ]);
  return [
    `### Cold start as deployed: median of ${r.pairs} paired runs against the floor, each a fresh Node process`,
    table(
      [
        'function',
        'KB',
        '× floor size',
        'NODE_OPTIONS',
        'import ms',
        'floor ms',
        '× import',
        ...(first
          ? [
              'first invocation ms',
              'floor ms (1 GetItem)',
              '× first invocation',
              'floor ms (same requests)',
              '× same requests',
              'requests to AWS',
              'answered',
            ]
          : []),
        `≤ ${COLD_START_BUDGET}×`,
      ],
      rows,
    ),
    [
      `Floor: a bundle that only builds the DynamoDB document client (${kb(r.floorBytes)} KB, no source map) and sends one GetItem when invoked.`,
      'Each function: its bundle as the stack builds it, the environment of its synthesized template (NODE_OPTIONS included) and the variables the Lambda runtime sets.',
      'Import: the init phase. First invocation: import plus the handler answering one typical request against DynamoDB Local (the publisher: one real stream record, to a stand-in EventBridge).',
      'The × columns are medians of per-pair ratios (in brackets, their interquartile range), not ratios of the medians shown.',
      'The budget is judged on the import and on the first invocation against the same-requests floor: the floor bundle sending the very DynamoDB requests the function sent (recorded through a proxy, replayed on a copy of the table in the same state, parallel where the function was parallel; a PutEvents stood in for by a GetItem), so what is left is the function’s own code.',
      'Against the one-GetItem floor, a function that needs more round trips (a write reads then transacts; a cascade queries then transacts) pays each one on DynamoDB Local, which shares these CPUs.',
    ].join(' '),
  ].join('\n\n');
}

export function coldStartWorst(r: ColdStartResults): { import: number; first: number; sameRequests: number } {
  return {
    import: Math.max(...r.functions.map((f) => f.import.ratio)),
    first: Math.max(...r.functions.map((f) => f.firstInvocation?.ratio ?? 0)),
    sameRequests: Math.max(...r.functions.map((f) => f.sameRequests?.ratio ?? 0)),
  };
}
