import t from 'tap';
import { jointCommitted, majorityCommitted } from '../../src/raft/quorum.js';

/** The definition: sort descending, take the match of the voter at the majority position. */
function reference(matches: readonly number[]): number {
  if (matches.length === 0) return Number.MAX_SAFE_INTEGER;
  const sorted = [...matches].sort((a, b) => b - a);
  return sorted[Math.floor(matches.length / 2)] as number;
}

t.test('majorityCommitted is the index a majority has reached, for any set and any matches', async (t) => {
  let seed = 12345;
  const random = (below: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % below;
  };
  let checked = 0;
  for (let round = 0; round < 2000; round++) {
    const size = random(13); // 0..12 voters, past the scratch array's first size
    const matches = Array.from({ length: size }, () => random(4) === 0 ? 2 ** 40 + random(5) : random(20));
    const voters = new Set(matches.map((_, i) => `p${i}`));
    const got = majorityCommitted(voters, (id) => matches[Number(id.slice(1))] as number);
    if (got !== reference(matches)) t.fail(`matches ${JSON.stringify(matches)}: got ${got}, want ${reference(matches)}`);
    checked++;
  }
  t.equal(checked, 2000);
  t.equal(majorityCommitted(new Set(['a', 'b', 'c']), (id) => ({ a: 5, b: 9, c: 7 })[id] as number), 7);
  t.equal(majorityCommitted(new Set(), () => 0), Number.MAX_SAFE_INTEGER, 'an empty set places no limit');
});

t.test('jointCommitted takes the lower of the two majorities only while joint', async (t) => {
  const match: Record<string, number> = { a: 10, b: 10, c: 2, d: 3, e: 3 };
  const voters = { incoming: new Set(['a', 'b', 'c']), outgoing: new Set(['c', 'd', 'e']) };
  t.equal(jointCommitted(voters, (id) => match[id] as number, false), 10);
  t.equal(jointCommitted(voters, (id) => match[id] as number, true), 3);
});
