/**
 * The local stand-in for the EventBridge rules on the survey bus: each function whose trigger is
 * `responseEvents` gets the events of its detail-types, asynchronously, retried with exponential backoff
 * (1 s, 2 s, 4 s …) as EventBridge retries a failed target, and given up after the last attempt with a log
 * line where AWS would put the event on the rule's dead-letter queue.
 */
import { EVENT_SOURCE } from '#shared/events/catalog.ts';
import { FUNCTIONS, type FunctionName, type Trigger } from '../system.ts';
import type { DeliveredEvent } from './event-bus.ts';
import { type Handler, lambdaContext, loadHandler } from './lambda.ts';

export interface EventRules {
  deliver(event: DeliveredEvent): void;
  /** Resolves once every delivery started so far has succeeded or given up. */
  settled(): Promise<void>;
}

export const startEventRules = async (options: {
  log: (message: string) => void;
  attempts?: number;
  firstDelayMs?: number;
  /** The handlers to use instead of loading each function's entry (tests). */
  handlers?: Partial<Record<FunctionName, Handler>>;
}): Promise<EventRules> => {
  const attempts = options.attempts ?? 6;
  const firstDelay = options.firstDelayMs ?? 1000;
  const targets: { name: FunctionName; detailTypes: readonly string[]; handler: Handler }[] = [];
  for (const [name, spec] of Object.entries(FUNCTIONS) as [FunctionName, { trigger: Trigger }][]) {
    if (spec.trigger.kind !== 'responseEvents') continue;
    const handler = options.handlers?.[name] ?? (await loadHandler(name));
    targets.push({ name, detailTypes: spec.trigger.detailTypes, handler });
  }
  const inFlight = new Set<Promise<void>>();
  const run = async (name: FunctionName, handler: Handler, event: DeliveredEvent) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await handler(event, lambdaContext(name));
        return;
      } catch (error) {
        if (attempt >= attempts) {
          options.log(`${name} gave up on event ${event.id} after ${attempt} attempts: ${String(error)}`);
          return;
        }
        await new Promise((r) => setTimeout(r, firstDelay * 2 ** (attempt - 1)));
      }
    }
  };
  return {
    deliver: (event) => {
      if (event.source !== EVENT_SOURCE) return;
      for (const target of targets) {
        if (!target.detailTypes.includes(event['detail-type'])) continue;
        const p = run(target.name, target.handler, event).finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
    },
    settled: async () => {
      while (inFlight.size > 0) await Promise.all(inFlight);
    },
  };
};
