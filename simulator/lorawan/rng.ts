// A small seeded PRNG (mulberry32) for simulated randomness: DevAddr, JoinNonce,
// DevNonce, channel choice. Same seed, same sequence; never Math.random.

/** Returns a function yielding uniformly distributed unsigned 32-bit integers. */
export function createSeededRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
