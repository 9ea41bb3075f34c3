import { PLANT_NAMES, type PlantName } from './plants/plant-registry.js';
import { PEER_COUNTS, type FaultMode } from './sim-options.js';

export type SimArgs =
  | { readonly kind: 'list-plants' }
  | {
      readonly kind: 'run';
      readonly firstSeed: number;
      readonly seedCount: number;
      /** Undefined: the plant's preferred size, else 3. */
      readonly peers: number | undefined;
      readonly faults: FaultMode;
      readonly plant: PlantName | undefined;
      readonly json: boolean;
    };

export class SimArgsError extends Error {
  override name = 'SimArgsError';
}

export const SIM_USAGE = [
  'usage: raftplane sim [--seeds N | --seed S] [--peers 3|5|7] [--faults all|none] [--plant NAME] [--json]',
  '       raftplane sim --plants',
  '  --seeds N    run seeds 1..N (default 100)',
  '  --seed S     run the single seed S (a replay)',
  '  --peers P    cluster size (default 3, or the plant\'s own)',
  '  --faults M   all (default) or none',
  '  --plant NAME run with a planted bug; stops at the first failing seed',
  '  --plants     list the planted bugs',
  '  --json       print only the JSON summary (always the last line of stdout)',
].join('\n');

function positiveInt(flag: string, value: string | undefined): number {
  if (value === undefined || !/^\d+$/.test(value)) throw new SimArgsError(`${flag} needs a non-negative integer`);
  return Number(value);
}

/** Parses the arguments after `raftplane sim`. */
export function parseSimArgs(argv: readonly string[]): SimArgs {
  let seeds: number | undefined;
  let seed: number | undefined;
  let peers: number | undefined;
  let faults: FaultMode = 'all';
  let plant: PlantName | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    const [name, inline] = flag.includes('=') ? (flag.split('=', 2) as [string, string]) : [flag, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (name) {
      case '--plants':
        return { kind: 'list-plants' };
      case '--seeds':
        seeds = positiveInt('--seeds', value());
        if (seeds === 0) throw new SimArgsError('--seeds must be at least 1');
        break;
      case '--seed':
        seed = positiveInt('--seed', value());
        break;
      case '--peers':
        peers = positiveInt('--peers', value());
        if (!PEER_COUNTS.includes(peers)) throw new SimArgsError(`--peers must be one of ${PEER_COUNTS.join(', ')}`);
        break;
      case '--faults': {
        const mode = value();
        if (mode !== 'all' && mode !== 'none') throw new SimArgsError('--faults must be all or none');
        faults = mode;
        break;
      }
      case '--plant': {
        const p = value();
        if (p === undefined || !(PLANT_NAMES as readonly string[]).includes(p)) {
          throw new SimArgsError(`--plant must be one of: ${PLANT_NAMES.join(', ')}`);
        }
        plant = p as PlantName;
        break;
      }
      case '--json':
        json = true;
        break;
      default:
        throw new SimArgsError(`unknown argument ${flag}`);
    }
  }
  if (seed !== undefined && seeds !== undefined) throw new SimArgsError('use --seed or --seeds, not both');
  return {
    kind: 'run',
    firstSeed: seed ?? 1,
    seedCount: seed !== undefined ? 1 : (seeds ?? 100),
    peers,
    faults,
    plant,
    json,
  };
}
