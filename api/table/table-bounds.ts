import { MAX_LIMIT, type ListQuery } from "../list/list-query.js";

/**
 * A Table is rendered whole in memory (cells, then JSON), so one request for every row of a
 * large kind could take hundreds of MB. A Table list serves at most MAX_TABLE_ROWS rows and a
 * continue token for the rest, as Kubernetes lets a server return fewer items than asked;
 * kubectl asks in chunks of 500 anyway.
 */
export const MAX_TABLE_ROWS = MAX_LIMIT;

export function boundedTableQuery(query: ListQuery): ListQuery {
  return query.limit > 0 && query.limit <= MAX_TABLE_ROWS ? query : { ...query, limit: MAX_TABLE_ROWS };
}
