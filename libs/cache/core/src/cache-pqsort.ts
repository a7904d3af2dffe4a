/**
 * Redis's pqsort (src/pqsort.c: NetBSD's Bentley-McIlroy quicksort that only recurses into the
 * partitions overlapping a rank range), step for step, so that GEORADIUS/GEOSEARCH with a COUNT below
 * the number of matches returns equal-distance members in the order Redis returns them. Indexes stand
 * for the C pointers (one element per step instead of `es` bytes).
 */

/** Sorts `items` enough that the ranks `left`..`right` (inclusive) hold what a full sort puts there. */
export function partialQuickSort<T>(items: T[], compare: (a: T, b: T) => number, left: number, right: number): void {
  sortRange(items, compare, 0, items.length, left, right);
}

function swap<T>(items: T[], first: number, second: number): void {
  const item = items[first] as T;
  items[first] = items[second] as T;
  items[second] = item;
}

function insertionSort<T>(items: T[], compare: (a: T, b: T) => number, start: number, count: number): void {
  for (let current = start + 1; current < start + count; current++) {
    for (let position = current; position > start && compare(items[position - 1] as T, items[position] as T) > 0; position--) {
      swap(items, position, position - 1);
    }
  }
}

function medianOfThree<T>(items: T[], compare: (a: T, b: T) => number, a: number, b: number, c: number): number {
  const itemA = items[a] as T;
  const itemB = items[b] as T;
  const itemC = items[c] as T;
  return compare(itemA, itemB) < 0
    ? compare(itemB, itemC) < 0
      ? b
      : compare(itemA, itemC) < 0
        ? c
        : a
    : compare(itemB, itemC) > 0
      ? b
      : compare(itemA, itemC) < 0
        ? a
        : c;
}

/** Whether the elements start..end (inclusive) lie outside the rank range on one side. */
function outsideRange(start: number, end: number, left: number, right: number): boolean {
  return (left < start && right < start) || (left > end && right > end);
}

function sortRange<T>(items: T[], compare: (a: T, b: T) => number, startIndex: number, countIndex: number, left: number, right: number): void {
  let start = startIndex;
  let count = countIndex;
  for (;;) {
    let swapped = false;
    if (count < 7) {
      insertionSort(items, compare, start, count);
      return;
    }
    let middle = start + Math.floor(count / 2);
    if (count > 7) {
      let low = start;
      let high = start + count - 1;
      if (count > 40) {
        const step = Math.floor(count / 8);
        low = medianOfThree(items, compare, low, low + step, low + 2 * step);
        middle = medianOfThree(items, compare, middle - step, middle, middle + step);
        high = medianOfThree(items, compare, high - 2 * step, high - step, high);
      }
      middle = medianOfThree(items, compare, low, middle, high);
    }
    swap(items, start, middle);
    let pa = start + 1;
    let pb = start + 1;
    let pc = start + count - 1;
    let pd = start + count - 1;
    for (;;) {
      let result: number;
      while (pb <= pc && (result = compare(items[pb] as T, items[start] as T)) <= 0) {
        if (result === 0) {
          swapped = true;
          swap(items, pa, pb);
          pa++;
        }
        pb++;
      }
      while (pb <= pc && (result = compare(items[pc] as T, items[start] as T)) >= 0) {
        if (result === 0) {
          swapped = true;
          swap(items, pc, pd);
          pd--;
        }
        pc--;
      }
      if (pb > pc) break;
      swap(items, pb, pc);
      swapped = true;
      pb++;
      pc--;
    }
    if (!swapped) {
      insertionSort(items, compare, start, count);
      return;
    }
    const end = start + count;
    let size = Math.min(pa - start, pb - pa);
    for (let index = 0; index < size; index++) swap(items, start + index, pb - size + index);
    size = Math.min(pd - pc, end - pd - 1);
    for (let index = 0; index < size; index++) swap(items, pb + index, end - size + index);
    size = pb - pa;
    if (size > 1 && !outsideRange(start, start + size - 1, left, right)) sortRange(items, compare, start, size, left, right);
    size = pd - pc;
    if (size > 1) {
      start = end - size;
      count = size;
      if (!outsideRange(start, start + size - 1, left, right)) continue;
    }
    return;
  }
}
