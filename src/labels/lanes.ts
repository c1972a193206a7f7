// Work on many items in a few lanes at once, its results handed on in the items' order: a lane
// runs ahead of the results not yet handed on by a bounded number of items, so that memory holds
// a few items' results whatever the number of items.

export interface LaneOptions {
  lanes: number;
  /** Results a lane may hold ahead of the next one handed on (default: 2 per lane). */
  ahead?: number;
}

/**
 * `work(i, lane)` for i in 0..count-1, lane `i % lanes` doing items lanes apart in turn; `emit(i, r)`
 * in order of i. A failure of `work` or `emit` is thrown once every lane has stopped (no lane starts
 * an item after it), so that whatever the lanes hold can be released afterwards.
 */
export async function inLanes<R>(
  count: number,
  options: LaneOptions,
  work: (index: number, lane: number) => Promise<R>,
  emit: (index: number, result: R) => Promise<void>,
): Promise<void> {
  const lanes = Math.max(1, Math.min(options.lanes, count));
  const ahead = Math.max(lanes, options.ahead ?? 2 * lanes);
  const results = new Map<number, { ok: true; value: R } | { ok: false; error: unknown }>();
  let emitted = 0;
  let failure: { error: unknown } | null = null;
  // Woken whenever a result comes in or one is handed on.
  let wake: () => void = () => {};
  let changed = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const signal = () => {
    wake();
    changed = new Promise<void>((resolve) => {
      wake = resolve;
    });
  };

  const runLane = async (lane: number) => {
    for (let i = lane; i < count && failure === null; i += lanes) {
      while (i - emitted >= ahead && failure === null) await changed;
      if (failure !== null) break;
      try {
        results.set(i, { ok: true, value: await work(i, lane) });
      } catch (error) {
        results.set(i, { ok: false, error });
      }
      signal();
    }
  };

  const emitAll = async () => {
    while (emitted < count && failure === null) {
      const result = results.get(emitted);
      if (result === undefined) {
        await changed;
        continue;
      }
      results.delete(emitted);
      try {
        if (!result.ok) throw result.error;
        await emit(emitted, result.value);
      } catch (error) {
        failure = { error };
      }
      emitted++;
      signal();
    }
  };

  await Promise.all([...Array.from({ length: lanes }, (_, lane) => runLane(lane)), emitAll()]);
  if (failure) throw (failure as { error: unknown }).error;
}
