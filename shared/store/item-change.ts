/**
 * The stream contract: what every stream consumer (aggregation, event publishing) receives for one item
 * change, whatever runtime decoded it (Lambda's DynamoDB event in AWS, the local poller locally).
 */
/** One change of one item, decoded from a stream record (images already unmarshalled). */
export interface ItemChange {
  pk: string;
  sk: string;
  oldImage: Record<string, unknown> | undefined;
  newImage: Record<string, unknown> | undefined;
  /** A TTL expiry, which must not change the counts. */
  expired: boolean;
  /** Stream position, reported back when the change could not be applied. */
  sequenceNumber: string;
}
