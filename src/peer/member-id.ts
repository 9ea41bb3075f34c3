/**
 * etcd names clusters and members by uint64 ids; raftplane names members by short
 * strings (p1, p2, ...). The API shows a stable uint64 derived from the name
 * (64-bit FNV-1a), printed as a decimal string as etcd's JSON gateway prints int64s.
 */
const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = (1n << 64n) - 1n;

export function memberIdOf(name: string): string {
  let hash = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(name)) {
    hash ^= BigInt(byte);
    hash = (hash * FNV_PRIME) & MASK;
  }
  return hash.toString(10);
}

/** Accepts a member name or its decimal or hex (etcdctl prints hex) id; returns the name. */
export function resolveMemberName(idOrName: string, names: Iterable<string>): string | undefined {
  const wanted = idOrName.trim();
  for (const name of names) {
    if (name === wanted) return name;
    const id = memberIdOf(name);
    if (id === wanted || BigInt(id).toString(16) === wanted.toLowerCase()) return name;
  }
  return undefined;
}
