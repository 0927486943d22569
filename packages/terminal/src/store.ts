/** A sale or a refund as the terminal queues it: the body the server receives, and when it was made. */
export type QueuedTransaction = {
  id: string;
  seq: number;
  /** When it was queued (ms), for the oldest-unsent age. */
  queuedAt: number;
  body: Record<string, unknown>;
};

/**
 * Where a terminal keeps what it has not yet delivered. `append` resolves only once the
 * transaction is durable on this platform; nothing leaves but through `ack`.
 */
export interface TransactionStore {
  /** Stores one transaction at the end of the queue. */
  append(tx: QueuedTransaction): Promise<void>;
  /** The oldest `n` transactions, oldest first. */
  peek(n: number): Promise<QueuedTransaction[]>;
  /** Removes delivered (or set aside) transactions by id. */
  ack(ids: readonly string[]): Promise<void>;
  /** How many transactions wait. */
  size(): Promise<number>;
  /** The highest seq ever appended (0 when none): seqs are never reused. */
  lastSeq(): Promise<number>;
  /** Raises the highest seq (after a wipe, from what the server holds). */
  raiseSeq(seq: number): Promise<void>;
  /** Releases what the store holds open (a file); optional. */
  close?(): Promise<void>;
}
