/** `npm start`: runs the whole pipeline locally in the foreground until Ctrl-C. */
import { LOOPBACK, localSettings } from './environment.ts';
import { startLocalStack } from './runtime.ts';
import { LocalStackError } from './services.ts';

const main = async () => {
  const settings = localSettings();
  const started = Date.now();
  const stack = await startLocalStack(settings, (m) => console.log(`[local] ${m}`));
  console.log(`NPS pipeline is running (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  console.log(`  Survey app:  ${stack.appUrl}   (health: ${stack.appUrl}/health)`);
  console.log(`  Inbox (SES): ${stack.inboxUrl}`);
  console.log(
    `  Console:     ${stack.consoleUrl}   (add a user: npx nps user add you@example.com --role admin --password-stdin)`,
  );
  console.log(`  DynamoDB:    http://localhost:${settings.ddbPort}   state in ${settings.stateDir}`);
  if (settings.host !== LOOPBACK) {
    console.log(
      `  Listening on every interface (HOST=${settings.host}): anyone on the network can read the inbox.`,
    );
  }
  console.log(
    '  Try: npx nps wave create --name "First wave" --audience examples/audience.csv --product "Acme Cloud" --now',
  );
  console.log('Press Ctrl-C to stop.');
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
};

main().catch((error: unknown) => {
  const message = error instanceof LocalStackError || error instanceof Error ? error.message : String(error);
  console.error(`npm start: ${message}`);
  process.exit(1);
});
