/** `nps contact …`: a person's data. */
import { describeErasure, eraseContact } from '#shared/privacy/erasure.ts';
import { command, group } from '../command.ts';

const erase = command({
  name: 'erase',
  summary: "remove a person's data, keeping only what stops them being surveyed again",
  args: [{ name: 'ADDR', what: 'an address' }],
  run: async ({ args, store }) => {
    const result = await eraseContact(store, args.ADDR, new Date());
    return {
      data: { erased: true, ...result },
      text: describeErasure(args.ADDR, result),
    };
  },
});

export default group({ name: 'contact', summary: 'the people surveyed', commands: [erase] });
