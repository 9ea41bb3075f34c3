/** The invariants the simulator checks; a violation names exactly one of them. */
export type InvariantName =
  | 'election-safety'
  | 'log-matching'
  | 'leader-completeness'
  | 'state-machine-safety'
  | 'acked-write-durability'
  | 'linearizable-read'
  | 'liveness';

export const INVARIANT_NAMES: readonly InvariantName[] = [
  'election-safety',
  'log-matching',
  'leader-completeness',
  'state-machine-safety',
  'acked-write-durability',
  'linearizable-read',
  'liveness',
];

export interface Violation {
  readonly invariant: InvariantName;
  readonly tick: number;
  readonly message: string;
}

/** Where checkers report. The world stops a seed at the first violation it receives. */
export interface ViolationSink {
  report(violation: Violation): void;
}

/** Collects violations; used by the world and by checker unit tests alike. */
export class ViolationList implements ViolationSink {
  readonly violations: Violation[] = [];

  report(violation: Violation): void {
    this.violations.push(violation);
  }

  get first(): Violation | undefined {
    return this.violations[0];
  }
}
