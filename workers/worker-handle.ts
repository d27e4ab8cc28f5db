/** A running worker of `linia start`, stopped on shutdown. */
export interface WorkerHandle {
  name: string;
  close(): Promise<void>;
}
