import { Packr } from 'msgpackr';
import { assert } from '../util/assert.js';
import type { Logger } from '../util/logger.js';
import type { MemoryStorage } from '../raft/memory-storage.js';
import type { ConfState, Snapshot } from '../raft/types.js';
import { PartedImage, type DurableLog } from '../storage/index.js';
import { PeerError } from './errors.js';
import type { MemberInfo } from './member-directory.js';
import type { ReplicatedStateMachine } from './state-machine.js';

const snapshotPackr = new Packr({ useRecords: false, moreTypes: false });

/** A peer snapshot is the state machine image plus the member directory. */
export function wrapImage(members: readonly MemberInfo[], image: Uint8Array): Uint8Array {
  // The bytes of snapshotPackr.pack({ members, image }), built with one copy of the image
  // into a buffer of exactly the right size: msgpackr's own pack copies a 21 MB image in
  // about 10 ms into a 42 MB buffer, which the snapshot then keeps alive.
  const frame = imageFrame(members)(image.byteLength);
  const out = new Uint8Array(frame.byteLength + image.byteLength);
  out.set(frame);
  out.set(image, frame.byteLength);
  return out;
}

/**
 * What wrapImage puts before an image of a given length: a state machine that gives its
 * image as parts after these bytes (snapshotParts(frame)) saves wrapImage's copy.
 */
export function imageFrame(members: readonly MemberInfo[]): (imageBytes: number) => Uint8Array {
  const head = snapshotPackr.pack({ members, image: EMPTY_IMAGE });
  const headBytes = head.byteLength - EMPTY_BIN_BYTES; // the empty image's bin header dropped
  const prefix = Uint8Array.prototype.slice.call(head.subarray(0, headBytes));
  return (imageBytes) => {
    const bin = binHeader(imageBytes);
    const frame = new Uint8Array(headBytes + bin.byteLength);
    frame.set(prefix);
    frame.set(bin, headBytes);
    return frame;
  };
}

const EMPTY_IMAGE = new Uint8Array(0);
const EMPTY_BIN_BYTES = 2; // msgpack bin 8 of length 0: 0xc4 0x00

/** msgpack's bin header for a byte string of this length, the smallest form, as msgpackr writes it. */
function binHeader(length: number): Uint8Array {
  if (length < 0x100) return Uint8Array.of(0xc4, length);
  if (length < 0x10000) return Uint8Array.of(0xc5, length >> 8, length & 0xff);
  return Uint8Array.of(0xc6, (length >>> 24) & 0xff, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff);
}

export function unwrapImage(data: Uint8Array): { members: MemberInfo[]; image: Uint8Array } {
  return snapshotPackr.unpack(data) as { members: MemberInfo[]; image: Uint8Array };
}

/** What the peer's state is when a snapshot is asked for. */
export interface AppliedView {
  readonly applied: number;
  readonly confState: ConfState;
  readonly members: MemberInfo[];
}

export interface SnapshotStepsOptions {
  readonly stateMachine: ReplicatedStateMachine;
  readonly durableLog: DurableLog;
  readonly logger: Logger;
  readonly nowMs: () => number;
  /** Entries applied since the last snapshot before the next is due (with the byte rule). */
  readonly thresholdEntries: number;
  /** Command bytes applied since the last snapshot that make the next due sooner (with the byte rule). */
  readonly thresholdBytes: number;
  /** Entries kept in memory behind a snapshot, for followers slightly behind. */
  readonly compactionMarginEntries: number;
  /** A step finished beside the loop: run the loop so that the next step starts. */
  readonly wake: () => void;
  /** Encoding or writing failed: the peer must stop (if it is still running). */
  readonly fail: (error: PeerError) => void;
}

/** encoding (beside the loop) → encoded → writing (beside the loop) → written → committed. */
interface Stage {
  readonly view: AppliedView;
  phase: 'encoding' | 'encoded' | 'writing' | 'written';
  /** Command bytes applied since the previous snapshot when this one was asked for. */
  readonly bytesBefore: number;
  image?: PartedImage;
  snapshot?: Snapshot;
  readonly startedMs: number;
  encodedMs: number;
  /** The durable log's snapshot byte counters when the image's write began. */
  writtenBefore?: { readonly written: number; readonly shared: number };
}

/**
 * The peer's own snapshots, taken in steps so that the Ready loop never stalls for a
 * whole image: the state machine encodes the state as of the request over later
 * event-loop turns (snapshotParts, as parts that are never joined here), the image is
 * written beside the loop from those parts (DurableLog.stageSnapshot), and once it is on
 * disk a small save commits it and the in-memory log is compacted. The snapshot's data
 * is joined only if read (to send it to a follower). The loop calls step() once per
 * turn; nothing here runs the Raft core.
 *
 * When: after thresholdEntries applied entries or thresholdBytes of them, whichever comes
 * first, AND once the command bytes applied since the last snapshot are at least the size
 * of its image, so writing snapshots costs at most as much disk as writing the log does
 * however large the state grows, and the log held in memory stays within the larger of
 * the state's own size and thresholdBytes.
 */
export class SnapshotSteps {
  private stage: Stage | undefined;
  private snapshotIndex = 0;
  private snapshotBytes = 0;
  private bytesSinceSnapshot = 0;

  constructor(private readonly options: SnapshotStepsOptions) {}

  /** The index of the latest snapshot this peer holds (its own, or one from the leader). */
  get index(): number {
    return this.snapshotIndex;
  }

  /** The peer now holds this snapshot: recovered at start or installed from the leader. */
  holds(snapshot: Snapshot): void {
    this.snapshotIndex = snapshot.meta.index;
    this.snapshotBytes = snapshot.data.byteLength;
    this.bytesSinceSnapshot = 0;
  }

  /** An entry was applied. */
  applied(entryBytes: number): void {
    this.bytesSinceSnapshot += entryBytes;
  }

  /**
   * One step, from the loop, between Readys. `view` is asked for only when a snapshot starts.
   * Returns a promise only when the step waits for the disk (committing a written snapshot),
   * so the loop's usual turn allocates no promise for it.
   */
  step(storage: MemoryStorage, appliedIndex: number, view: () => AppliedView): Promise<void> | undefined {
    const stage = this.stage;
    if (stage === undefined) {
      const { thresholdEntries, thresholdBytes } = this.options;
      const since = this.bytesSinceSnapshot;
      const due = (appliedIndex - this.snapshotIndex >= thresholdEntries || since >= thresholdBytes) && since >= this.snapshotBytes;
      if (due) this.start(view());
    } else if (stage.view.applied <= this.snapshotIndex) {
      this.stage = undefined; // the leader's snapshot got here first
    } else if (stage.phase === 'encoded') {
      this.write(stage, storage);
    } else if (stage.phase === 'written') {
      return this.commit(stage, storage);
    }
    return undefined;
  }

  /**
   * Work ahead of the next snapshot (a bounded slice of its encoding), while none is being
   * taken. The loop runs it after a turn's messages have left, not before.
   */
  encodeAhead(): void {
    if (this.stage === undefined) this.options.stateMachine.encodeAhead?.();
  }

  private start(view: AppliedView): void {
    const { stateMachine } = this.options;
    const stage: Stage = { view, phase: 'encoding', bytesBefore: this.bytesSinceSnapshot, startedMs: this.options.nowMs(), encodedMs: 0 };
    this.stage = stage;
    // As parts after the wrapper's bytes when the state machine can (no copy of the image at
    // all), else taken at once and wrapped.
    const encoding: Promise<PartedImage> =
      stateMachine.snapshotParts?.(imageFrame(view.members)).then(({ parts }) => new PartedImage(parts)) ??
      Promise.resolve(PartedImage.whole(wrapImage(view.members, stateMachine.snapshot())));
    this.whenDone(encoding, 'snapshot failed', (image) => {
      stage.image = image;
      stage.phase = 'encoded';
      stage.encodedMs = this.options.nowMs() - stage.startedMs;
    });
  }

  private write(stage: Stage, storage: MemoryStorage): void {
    const { image } = stage;
    assert(image !== undefined, 'an encoded snapshot stage has its image');
    // snapshot.data is joined only if something reads it: sending it to a follower.
    const snapshot = storage.createSnapshot(stage.view.applied, stage.view.confState, image.parts.length === 1 ? image.join() : () => image.join());
    stage.snapshot = snapshot;
    stage.phase = 'writing';
    const { snapshotBytesWritten, snapshotBytesShared } = this.options.durableLog.stats();
    stage.writtenBefore = { written: snapshotBytesWritten, shared: snapshotBytesShared };
    this.whenDone(this.options.durableLog.stageSnapshot(snapshot, image), 'snapshot write failed', () => {
      stage.phase = 'written';
    });
  }

  private async commit(stage: Stage, storage: MemoryStorage): Promise<void> {
    this.stage = undefined;
    const { snapshot, image, writtenBefore } = stage;
    assert(snapshot !== undefined && image !== undefined && writtenBefore !== undefined, 'a written snapshot stage has its snapshot');
    try {
      await this.options.durableLog.save({ snapshot });
    } catch (error) {
      throw new PeerError('PEER_DISK_FAILED', `snapshot write failed, stopping: ${(error as Error).message}`);
    }
    const { index } = snapshot.meta;
    this.snapshotIndex = index;
    this.snapshotBytes = image.byteLength;
    this.bytesSinceSnapshot -= stage.bytesBefore;
    const keepFrom = index - this.options.compactionMarginEntries;
    if (keepFrom > storage.firstIndex()) storage.compact(keepFrom);
    // What this image cost the disk: chunk records written, and image bytes an earlier
    // image's records already held (a snapshot received meanwhile would count too).
    const after = this.options.durableLog.stats();
    const writtenBytes = after.snapshotBytesWritten - writtenBefore.written;
    const sharedBytes = after.snapshotBytesShared - writtenBefore.shared;
    this.options.logger.info(
      { index, bytes: image.byteLength, writtenBytes, sharedBytes, encodedMs: stage.encodedMs, totalMs: this.options.nowMs() - stage.startedMs },
      'snapshot taken, log compacted',
    );
  }

  /** Work beside the loop: on success, wake the loop for the next step; on failure, stop the peer. */
  private whenDone<T>(work: Promise<T>, what: string, then: (value: T) => void): void {
    work.then(
      (value) => {
        then(value);
        this.options.wake();
      },
      (error: unknown) => {
        this.options.fail(new PeerError('PEER_DISK_FAILED', `${what}, stopping: ${(error as Error).message}`));
      },
    );
  }
}
