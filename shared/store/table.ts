import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The one handle on the single table every repository receives: a client and the table's name. */
export interface TableStore {
  ddb: DynamoDBDocumentClient;
  table: string;
}
