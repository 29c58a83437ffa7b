import { mapLimit } from '../../../lambda/shared/map-limit';

describe('mapLimit', () => {
  test('keeps the order of the input and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const result = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n));
      running--;
      return n * 10;
    });
    expect(result).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });

  test('handles an empty list and refuses a nonsensical limit', async () => {
    await expect(mapLimit([], 3, async (x) => x)).resolves.toEqual([]);
    await expect(mapLimit([1], 0, async (x) => x)).rejects.toThrow('positive integer');
  });

  test('rejects when a call fails', async () => {
    await expect(mapLimit([1, 2], 2, async (x) => (x === 2 ? Promise.reject(new Error('no')) : x))).rejects.toThrow('no');
  });
});
