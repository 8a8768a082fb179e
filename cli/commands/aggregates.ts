/** `nps aggregates …`: check the aggregator's counters against a recount of the responses, and repair them. */
import { rebuildAggregates, verifyAggregates } from '#shared/aggregation/recount.ts';
import { command, group } from '../command.ts';

const verify = command({
  name: 'verify',
  summary: 'recount from the responses and list the counters that differ (exit 1 if any)',
  run: async ({ store }) => {
    const result = await verifyAggregates(store);
    return {
      data: result,
      text: result.ok
        ? `Aggregates match a recount of ${result.responses} responses and ${result.recipients} recipients`
        : [
            `${result.differences.length} counters and ${result.segments.length} segment values differ from a recount (run \`nps aggregates rebuild\`):`,
            ...result.differences
              .slice(0, 50)
              .map((d) => `  ${d.pk} ${d.sk} ${d.attribute}: counted ${d.actual}, recount ${d.expected}`),
            ...result.segments.map((d) => `  ${d.kind} segment ${d.value}: ${d.problem}`),
          ].join('\n'),
      exitCode: result.ok ? 0 : 1,
    };
  },
});

const rebuild = command({
  name: 'rebuild',
  summary: 'repair the counters from a recount (run it with the aggregator caught up; exit 1 if any remain)',
  run: async ({ store }) => {
    const result = await rebuildAggregates(store);
    return {
      data: result,
      text: `Repaired ${result.repaired.length} counters and ${result.segmentsRepaired.length} segment values; ${
        result.after.ok
          ? 'aggregates now match a recount'
          : `${result.after.differences.length} differences remain (changes still in the stream? run it again once the aggregator has caught up)`
      }`,
      exitCode: result.after.ok ? 0 : 1,
    };
  },
});

export default group({
  name: 'aggregates',
  summary: "the aggregator's exact counters",
  commands: [verify, rebuild],
});
