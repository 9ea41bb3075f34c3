/**
 * A read-only view of one node's log as the checkers need it. Entries below
 * firstIndex are compacted into the snapshot; termAt(firstIndex - 1) is the
 * snapshot's term.
 */
export interface LogView {
  readonly firstIndex: number;
  readonly lastIndex: number;
  termAt(index: number): number;
  fingerprintAt(index: number): string;
}

export interface ViewEntry {
  readonly term: number;
  readonly fingerprint: string;
}

/** A LogView over plain arrays, for hand-crafted histories in tests. */
export class ArrayLogView implements LogView {
  readonly firstIndex: number;
  readonly lastIndex: number;

  constructor(
    private readonly entries: readonly ViewEntry[],
    private readonly snapshot: { index: number; term: number } = { index: 0, term: 0 },
  ) {
    this.firstIndex = snapshot.index + 1;
    this.lastIndex = snapshot.index + entries.length;
  }

  termAt(index: number): number {
    if (index === this.snapshot.index) return this.snapshot.term;
    return this.at(index).term;
  }

  fingerprintAt(index: number): string {
    return this.at(index).fingerprint;
  }

  private at(index: number): ViewEntry {
    const entry = this.entries[index - this.firstIndex];
    if (entry === undefined) throw new RangeError(`index ${index} outside [${this.firstIndex}, ${this.lastIndex}]`);
    return entry;
  }
}
