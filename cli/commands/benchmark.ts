/** `nps benchmark …`: the NPS figures the user trusts to compare with, each with its source. */
import { listBenchmarks, setBenchmark } from '#shared/insights/benchmarks.ts';
import { command, group } from '../command.ts';
import { signed } from '../format.ts';

const set = command({
  name: 'set',
  summary: "record a benchmark NPS (an industry average, a competitor's published NPS) with its source",
  args: [
    { name: 'NAME', what: 'a benchmark name' },
    { name: 'SCORE', what: 'an NPS from -100 to 100' },
  ],
  options: {
    source: { type: 'string', value: 'TEXT', required: true, help: 'where the number comes from' },
  },
  run: async ({ args, options, store }) => {
    const benchmark = await setBenchmark(
      store,
      { name: args.NAME, score: args.SCORE, source: options.source },
      new Date(),
    );
    return {
      data: benchmark,
      text: `Benchmark ${benchmark.name}: ${signed(benchmark.score)} (source: ${benchmark.source})`,
    };
  },
});

const list = command({
  name: 'list',
  summary: 'the recorded benchmarks and their sources',
  run: async ({ store }) => {
    const benchmarks = await listBenchmarks(store);
    return {
      data: benchmarks,
      text:
        benchmarks.map((b) => `${b.name}: ${signed(b.score)} (source: ${b.source})`).join('\n') ||
        'No benchmarks yet; record one with `nps benchmark set NAME SCORE --source TEXT`',
    };
  },
});

export default group({
  name: 'benchmark',
  summary: 'benchmarks to compare the NPS with',
  commands: [set, list],
});
