// The HTML report's script, part 2 of 7: the timeline's lanes in reading order (namespaces and
// workloads of the most important incidents first), the findings shaded on them, and the filter.

kstoryPage.prepareLanes = (data, tl, clock) => {
  const { rel, duration } = clock;
  const lanes = tl.lanes.map((lane, i) => ({
    ...lane,
    i,
    key: `${lane.kind}\u0000${lane.namespace || ''}\u0000${lane.name}`,
  }));
  const laneByKey = new Map(lanes.map((l) => [l.key, l]));
  const bandsByLane = new Map();
  for (const f of data.findings) {
    const kind = f.subject.container ? 'Pod' : f.subject.kind;
    const key = `${kind}\u0000${f.subject.namespace || ''}\u0000${f.subject.name}`;
    if (!laneByKey.has(key)) continue;
    if (!bandsByLane.has(key)) bandsByLane.set(key, []);
    bandsByLane.get(key).push(f);
  }
  const gaps = data.gaps.map((g) => ({ ...g, s: rel(g.start), e: g.end ? rel(g.end) : duration }));

  // Lanes grouped by namespace, then by the workload that owns them (its own lane first).
  const owners = new Set(lanes.filter((l) => l.owner).map((l) => `${l.namespace || ''}\u0000${l.owner}`));
  const groupOf = (l) =>
    l.owner || (owners.has(`${l.namespace || ''}\u0000${l.kind} ${l.name}`) ? `${l.kind} ${l.name}` : '');
  // Groups holding an incident's objects first (by rank), then those that were unwell, then the rest.
  const laneScore = (l) => {
    const ranks = (bandsByLane.get(l.key) || []).map((f) => f.incident ?? 500);
    if (ranks.length > 0) return Math.min(...ranks);
    return l.spans.some((s) => s[3] === 'bad') ? 900 : l.spans.some((s) => s[3] === 'warn') ? 950 : 1000;
  };
  const best = (key, score, into) => into.set(key, Math.min(into.get(key) ?? Infinity, score));
  const nsScore = new Map();
  const groupScore = new Map();
  for (const l of lanes) {
    l.score = laneScore(l);
    best(l.namespace || '', l.score, nsScore);
    best(`${l.namespace || ''}\u0000${groupOf(l)}`, l.score, groupScore);
  }
  // A lane outside any workload stands for itself.
  const gScore = (l) => (groupOf(l) ? groupScore.get(`${l.namespace || ''}\u0000${groupOf(l)}`) : l.score);
  const sorted = [...lanes].sort(
    (a, b) =>
      nsScore.get(a.namespace || '') - nsScore.get(b.namespace || '') ||
      (a.namespace || '').localeCompare(b.namespace || '') ||
      gScore(a) - gScore(b) ||
      groupOf(a).localeCompare(groupOf(b)) ||
      Number(Boolean(a.owner)) - Number(Boolean(b.owner)) ||
      a.score - b.score ||
      a.kind.localeCompare(b.kind) ||
      a.name.localeCompare(b.name),
  );

  /** Whether a lane passes the filter's words: `ns:`, `kind:`, `name:`, `label:`, `key=value`, or free text. */
  function matches(lane, words) {
    const all = `${lane.kind} ${lane.namespace || ''} ${lane.name} ${lane.owner || ''} ${Object.entries(
      lane.labels,
    )
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`.toLowerCase();
    return words.every((w) => {
      const [, field, value] = /^(ns|namespace|kind|name|label):(.*)$/.exec(w) || [];
      if (field === 'ns' || field === 'namespace')
        return (lane.namespace || '').toLowerCase().includes(value);
      if (field === 'kind') return lane.kind.toLowerCase() === value;
      if (field === 'name') return lane.name.toLowerCase().includes(value);
      if (field === 'label') return Object.keys(lane.labels).some((k) => k.toLowerCase().includes(value));
      if (w.includes('=')) {
        const [k, v] = w.split('=');
        return Object.entries(lane.labels).some(
          ([lk, lv]) => lk.toLowerCase() === k && lv.toLowerCase() === v,
        );
      }
      return all.includes(w);
    });
  }

  return { lanes, bandsByLane, gaps, groupOf, sorted, matches };
};
