/**
 * What the peer replicates: any deterministic state machine. Applying the same
 * commands in the same order must give the same state and results on every peer.
 */
export interface ReplicatedStateMachine {
  /** Applies one committed command; the result goes back to the proposer, if waiting. */
  apply(command: unknown, index: number): unknown;
  /** A consistent image of the whole state, cheap enough to take at apply time. */
  snapshot(): Uint8Array;
  /**
   * Optional: the same image as snapshot(), of the state at the moment of the call, encoded
   * over later event-loop turns while apply() goes on, after frame(image length), as parts
   * that are never joined, so that the image can be written and kept without one copy of it
   * being made.
   */
  snapshotParts?(frame?: (imageBytes: number) => Uint8Array): Promise<{ parts: Uint8Array[]; byteLength: number }>;
  /** Optional: a bounded piece of the next snapshot's work, done between Readys while none is due. */
  encodeAhead?(): void;
  /** Replaces the state with an image; empty bytes mean the initial state. */
  restore(image: Uint8Array): void;
}
