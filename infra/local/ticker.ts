/** Fires the scheduled functions locally, from the same schedules EventBridge Scheduler uses in AWS. */
import { CronExpressionParser } from 'cron-parser';
import { FUNCTIONS, type FunctionName, type Schedule } from '../system.ts';
import { type Handler, lambdaContext } from './lambda.ts';

const WEEKDAYS = { SUN: 0, MON: 1, TUE: 2, WED: 3, THU: 4, FRI: 5, SAT: 6 } as const;

/** Milliseconds from `now` to the schedule's next firing. */
export const nextDelay = (schedule: Schedule, now: Date, timeZone: string, rateSeconds: number): number => {
  if (schedule.kind === 'rate') return rateSeconds * 1000;
  const day = schedule.kind === 'weekly' ? WEEKDAYS[schedule.weekDay] : '*';
  const cron = `${schedule.minute} ${schedule.hour} * * ${day}`;
  const next = CronExpressionParser.parse(cron, { tz: timeZone, currentDate: now }).next().toDate();
  return Math.max(1_000, next.getTime() - now.getTime());
};

export interface Ticker {
  stop(): void;
}

export const startTicker = (options: {
  handlers: Partial<Record<FunctionName, Handler>>;
  timeZone: string;
  rateSeconds: number;
  log: (message: string) => void;
}): Ticker => {
  const timers: NodeJS.Timeout[] = [];
  let stopped = false;
  for (const [name, spec] of Object.entries(FUNCTIONS) as [
    FunctionName,
    (typeof FUNCTIONS)[FunctionName],
  ][]) {
    if (spec.trigger.kind !== 'schedule') continue;
    const schedule = spec.trigger.schedule;
    const handler = options.handlers[name];
    if (!handler) continue;
    let running = false;
    const arm = () => {
      if (stopped) return;
      const timer = setTimeout(
        async () => {
          if (!running) {
            running = true;
            try {
              await handler(
                { source: 'aws.scheduler', 'detail-type': 'Scheduled Event' },
                lambdaContext(name),
              );
            } catch (error) {
              options.log(`${name} failed: ${(error as Error).message}`);
            } finally {
              running = false;
            }
          }
          arm();
        },
        nextDelay(schedule, new Date(), options.timeZone, options.rateSeconds),
      );
      timers.push(timer);
    };
    arm();
  }
  return {
    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
    },
  };
};
