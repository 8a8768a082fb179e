/**
 * `nps --stage NAME` works against a deployed stack: it finds the stack's table, sender and time zone in the
 * stack's outputs and uses the caller's AWS credentials and region. CloudFormation has no local emulator, so
 * a stand-in answers DescribeStacks (its real XML shape); the table behind the outputs is DynamoDB Local's.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localAwsEnvironment } from '#infra/local/environment.ts';
import { STACK } from '#infra/system.ts';
import { readAudience } from '#shared/audience/audience.ts';
import { createWave } from '#shared/waves/create.ts';
import { nps } from '../support/local-process.ts';
import { audienceCsv, useLocalStack } from '../support/stack.ts';

let stack: Awaited<ReturnType<typeof useLocalStack>>;
let cloudFormation: Server;
const asked: string[] = [];

const describeStacks = (name: string, outputs: Record<string, string>) => `<?xml version="1.0"?>
<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
  <DescribeStacksResult><Stacks><member>
    <StackName>${name}</StackName><StackStatus>UPDATE_COMPLETE</StackStatus>
    <CreationTime>2026-11-01T08:00:00Z</CreationTime>
    <Outputs>${Object.entries(outputs)
      .map(([k, v]) => `<member><OutputKey>${k}</OutputKey><OutputValue>${v}</OutputValue></member>`)
      .join('')}</Outputs>
  </member></Stacks></DescribeStacksResult>
  <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>
</DescribeStacksResponse>`;

beforeAll(async () => {
  stack = await useLocalStack();
  cloudFormation = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const name = new URLSearchParams(body).get('StackName') ?? '';
      asked.push(name);
      if (name !== 'NpsSurveys-prod') {
        res
          .writeHead(400, { 'content-type': 'text/xml' })
          .end(
            `<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id ${name} does not exist</Message></Error><RequestId>2</RequestId></ErrorResponse>`,
          );
        return;
      }
      res.writeHead(200, { 'content-type': 'text/xml' }).end(
        describeStacks(name, {
          [STACK.outputs.surveyUrl]: 'https://abc.lambda-url.eu-west-1.on.aws/',
          [STACK.outputs.tableName]: stack.table,
          [STACK.outputs.fromAddress]: 'surveys@example.com',
          [STACK.outputs.configurationSet]: 'nps',
          [STACK.outputs.digestTimeZone]: 'Europe/Stockholm',
        }),
      );
    });
  });
  await new Promise<void>((r) => cloudFormation.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
  await new Promise((r) => cloudFormation?.close(r));
});

/** The environment of someone with AWS credentials: no table name, no local ports. */
const awsUser = () => ({
  PATH: process.env.PATH ?? '',
  ...localAwsEnvironment(stack.ddbPort, stack.sesPort),
  AWS_ENDPOINT_URL_CLOUDFORMATION: `http://127.0.0.1:${(cloudFormation.address() as AddressInfo).port}`,
  // A local stack's ports that nothing listens on: the CLI must not go there.
  DDB_PORT: '1',
  SES_PORT: '1',
});

describe('nps --stage', () => {
  it('works against the stack of that stage, found by its outputs', async () => {
    const { csv } = audienceCsv(3);
    const wave = await createWave(
      stack,
      {
        name: 'Deployed',
        kind: 'nps',
        locale: 'en',
        product: 'Acme',
        sendAt: new Date(Date.now() + 3_600_000),
      },
      () => readAudience(Readable.from([csv]), 'a.csv'),
      { skipInvalid: false, file: 'a.csv' },
    );
    const result = await nps(awsUser(), '--stage', 'prod', 'wave', 'status', wave.id, '--json');
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({ id: wave.id, status: 'scheduled', recipients: 3 });
    expect(asked.at(-1)).toBe('NpsSurveys-prod');
  });

  it('says in one line which stack it could not read', async () => {
    const result = await nps(awsUser(), '--stage', 'staging', 'wave', 'list');
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^nps: could not read stack NpsSurveys-staging in AWS: Stack with id .* does not exist$/,
      ),
    ]);
  });
});
