/**
 * AWS clients, created once per process and passed into repositories and use cases. Endpoints come from the
 * SDK's own `AWS_ENDPOINT_URL_DYNAMODB` / `AWS_ENDPOINT_URL_SESV2` variables, which the local runtime sets;
 * in Lambda they are absent and the SDK uses AWS.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface Clients {
  ddb: DynamoDBDocumentClient;
  ses: SESv2Client;
}

export const createDynamo = (): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 8 }), {
    marshallOptions: { removeUndefinedValues: true },
  });

export const createClients = (): Clients => ({
  ddb: createDynamo(),
  ses: new SESv2Client({ maxAttempts: 6 }),
});
