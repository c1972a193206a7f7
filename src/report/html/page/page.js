// The HTML report's script, inlined into every page: the timeline (lanes grouped by namespace and
// owner, zoom and pan, a time cursor with the state of everything at that instant), filtering, deep
// links (#incident-2, #t=2026-03-02T09:13:00Z) and the diff of an object between two versions.
// Every string from the cluster goes into the page as text (textContent), never as markup.
(() => {
  const data = JSON.parse(document.getElementById('kstory-data').textContent);
  const ROW = 28;
  const LABEL = 300;
  const INCIDENT_ROWS = 8;
  const SVG = 'http://www.w3.org/2000/svg';

  /** An element with properties and children; strings become text nodes. */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = value;
      else if (key === 'style') Object.assign(node.style, value);
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, String(value));
    }
    for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
    return node;
  }

  const objectLabel = (o) => `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;

  // ---------- incidents: filter and deep links ----------
  const incidentFilter = document.getElementById('incident-filter');
  if (incidentFilter) {
    incidentFilter.addEventListener('input', () => {
      const words = incidentFilter.value.toLowerCase().split(/\s+/).filter(Boolean);
      for (const d of document.querySelectorAll('details.incident')) {
        const text = d.dataset.search || '';
        d.hidden = !words.every((w) => text.includes(w));
      }
    });
  }

  const tl = data.timeline;
  const t0 = tl ? tl.t0 : Date.parse(data.window.start);
  const duration = Math.max(1, Date.parse(data.window.end) - t0);
  const rel = (iso) => Date.parse(iso) - t0;
  const iso = (t) => new Date(t0 + t).toISOString().replace(/\.\d+Z$/, 'Z');
  const fmt = (t) => `${iso(t).slice(0, 19).replace('T', ' ')}Z`;

  /** Opens the diff view on a lane's object; set once the view exists. */
  let showDiff = () => {};
  let timeline = null;
  if (tl) timeline = setupTimeline(tl);
  if (tl) setupDiff(tl);

  function followHash() {
    const hash = decodeURIComponent(location.hash.slice(1));
    const incident = /^incident-(\d+)$/.exec(hash);
    if (incident) {
      const details = document.getElementById(hash);
      if (details) {
        details.open = true;
        details.scrollIntoView({ block: 'start' });
      }
      return;
    }
    const at = /^t=(.+)$/.exec(hash);
    if (at && timeline) {
      const t = rel(at[1]);
      if (Number.isFinite(t)) {
        timeline.setCursor(t, { reveal: true, fromHash: true });
        document.getElementById('timeline').scrollIntoView({ block: 'start' });
      }
    }
  }
  window.addEventListener('hashchange', followHash);
  followHash();

  window.addEventListener('beforeprint', () => {
    for (const d of document.querySelectorAll('details.incident')) d.open = true;
    if (timeline) timeline.print(true);
  });
  window.addEventListener('afterprint', () => timeline?.print(false));

  // ---------- the timeline ----------
  function setupTimeline(tl) {
    const app = document.getElementById('timeline-app');
    const states = tl.states;
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

    let view = [0, duration];
    let cursor = data.incidents.length > 0 ? Math.max(0, rel(data.incidents[0].start)) : duration;
    let words = [];
    const collapsed = new Set();
    let rows = [];
    let current = 0;
    let printing = false;

    // Toolbar
    const search = el('input', {
      type: 'search',
      id: 'lane-filter',
      placeholder: 'ns:shop kind:Pod app=checkout name…',
      'aria-label': 'Filter lanes by namespace, kind, name or label',
    });
    const range = el('input', {
      type: 'range',
      id: 'cursor',
      min: 0,
      max: duration,
      step: Math.max(1, Math.round(duration / 2000)),
      value: cursor,
      'aria-label': 'Time cursor',
    });
    const cursorTime = el('span', { class: 'cursor-time', id: 'cursor-time', 'aria-live': 'polite' });
    const button = (text, label, onclick) =>
      el('button', { type: 'button', 'aria-label': label, onclick }, text);
    const toolbar = el(
      'div',
      { class: 'toolbar' },
      el('label', {}, 'Filter ', search),
      el('label', {}, 'Cursor ', range),
      cursorTime,
      button('+', 'Zoom in', () => zoom(0.5, cursor)),
      button('−', 'Zoom out', () => zoom(2, cursor)),
      button('Fit', 'Show the whole window', () => setView(0, duration)),
      button('◀', 'Pan left', () => pan(-0.25)),
      button('▶', 'Pan right', () => pan(0.25)),
    );
    const legend = el(
      'div',
      { class: 'legend', 'aria-label': 'Legend' },
      ...[
        ['h-ok', 'fine (plain)'],
        ['h-warn', 'on its way or degraded (wide stripes)'],
        ['h-bad', 'failing (dense stripes, bold)'],
        ['h-gone', 'deleted (dots)'],
      ].map(([c, t]) => el('span', {}, el('span', { class: `sw ${c}` }), ` ${t}`)),
      el(
        'span',
        {},
        '● Event  ▲ Warning  ◆ audited write  ▬ log lines  ▒ gap in the recording  shaded: a finding',
      ),
    );
    const help = el(
      'p',
      { class: 'note' },
      'Keys in the timeline: ↑ ↓ choose a row, Enter opens or closes a group, ← → move the cursor (Shift: faster), + − zoom, 0 fits, d compares versions of the row’s object. Ctrl+wheel zooms, drag the time axis to pan, click to place the cursor.',
    );
    const axis = el('div', { class: 'tl-axis', 'aria-hidden': 'true' });
    const inner = el('div', { class: 'tl-inner', style: { position: 'relative' } });
    const scroll = el('div', { class: 'tl-scroll' }, inner);
    const cursorLine = el('div', { class: 'cursor-line' });
    const box = el(
      'div',
      {
        class: 'tl',
        tabindex: 0,
        role: 'region',
        'aria-label': 'Timeline: one row per object; arrow keys move, Enter opens a group',
      },
      axis,
      scroll,
      cursorLine,
    );
    const tooltip = el('div', { class: 'tooltip', hidden: true, role: 'tooltip' });
    const panel = el('div', { class: 'cursor-panel', id: 'cursor-panel', 'aria-live': 'polite' });
    app.append(toolbar, legend, help, box, el('h3', {}, 'State at the cursor'), panel, tooltip);

    const width = () => Math.max(100, scroll.clientWidth - LABEL);
    const x = (t) => ((t - view[0]) / (view[1] - view[0])) * width();

    function matches(lane) {
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

    function buildRows() {
      // The most important incidents first, one row each, over the lanes.
      const out = data.incidents.slice(0, INCIDENT_ROWS).map((incident) => ({ type: 'incident', incident }));
      let ns = null;
      let group = null;
      for (const lane of sorted) {
        if (!matches(lane)) continue;
        const laneNs = lane.namespace || '';
        if (laneNs !== ns) {
          ns = laneNs;
          group = null;
          out.push({
            type: 'group',
            level: 'ns',
            key: `ns:${ns}`,
            label: ns ? `namespace ${ns}` : 'cluster-scoped objects',
          });
        }
        if (collapsed.has(`ns:${ns}`)) continue;
        const g = groupOf(lane);
        if (g && g !== group) {
          group = g;
          out.push({ type: 'group', level: 'owner', key: `own:${ns}\u0000${g}`, label: g });
        } else if (!g) group = null;
        if (g && collapsed.has(`own:${ns}\u0000${g}`)) continue;
        out.push({ type: 'lane', lane });
      }
      rows = out;
      current = Math.min(current, rows.length - 1);
      inner.style.height = `${rows.length * ROW}px`;
    }

    function stateAt(lane, t) {
      for (const s of lane.spans) if (s[0] <= t && t < s[1]) return s;
      return null;
    }
    function lastMarkBefore(lane, t) {
      let found = null;
      for (const m of lane.marks) if (m.t <= t) found = m;
      return found;
    }

    function spanEl(s) {
      const left = x(s[0]);
      const right = x(s[1]);
      if (right < 0 || left > width()) return null;
      const l = Math.max(left, -2);
      const w = Math.max(1, Math.min(right, width() + 2) - l);
      const label = states[s[2]];
      return el(
        'div',
        {
          class: `span h-${s[3]}`,
          style: { left: `${l}px`, width: `${w}px` },
          title: `${label}: ${fmt(s[0])} → ${fmt(s[1])}`,
        },
        w > 40 ? el('span', { class: 'txt' }, label) : null,
      );
    }

    function sparkline(series) {
      const pts = series.points.filter(([t]) => t >= view[0] && t <= view[1]);
      if (pts.length < 2) return null;
      const svg = document.createElementNS(SVG, 'svg');
      svg.setAttribute('class', 'spark');
      svg.setAttribute('preserveAspectRatio', 'none');
      svg.setAttribute('viewBox', `0 0 ${width()} 12`);
      const max =
        series.unit === 'ratio' ? Math.max(1, ...pts.map((p) => p[1])) : Math.max(...pts.map((p) => p[1]), 1);
      const line = document.createElementNS(SVG, 'polyline');
      line.setAttribute(
        'points',
        pts.map(([t, v]) => `${x(t).toFixed(1)},${(12 - (v / max) * 11).toFixed(1)}`).join(' '),
      );
      const title = document.createElementNS(SVG, 'title');
      const last = pts[pts.length - 1][1];
      title.textContent = `${series.name}: up to ${series.unit === 'ratio' ? `${Math.round(Math.max(...pts.map((p) => p[1])) * 100)}%` : Math.max(...pts.map((p) => p[1]))}, last ${series.unit === 'ratio' ? `${Math.round(last * 100)}%` : last}`;
      line.append(title);
      if (series.unit === 'ratio') {
        const limit = document.createElementNS(SVG, 'line');
        const y = (12 - (1 / max) * 11).toFixed(1);
        for (const [k, v] of [
          ['x1', x(pts[0][0]).toFixed(1)],
          ['x2', x(pts[pts.length - 1][0]).toFixed(1)],
          ['y1', y],
          ['y2', y],
        ])
          limit.setAttribute(k, v);
        svg.append(limit);
      }
      svg.append(line);
      return svg;
    }

    function trackFor(lane) {
      const track = el('div', { class: 'track' });
      for (const g of gaps) {
        if (g.e < view[0] || g.s > view[1]) continue;
        track.append(
          el('div', {
            class: 'gap',
            title: `gap: ${g.reason}`,
            style: { left: `${x(g.s)}px`, width: `${Math.max(2, x(g.e) - x(g.s))}px` },
          }),
        );
      }
      for (const f of bandsByLane.get(lane.key) || []) {
        const s = rel(f.first);
        const e = Math.max(rel(f.last), s + (view[1] - view[0]) / 200);
        if (e < view[0] || s > view[1]) continue;
        track.append(
          el('div', {
            class: 'band',
            title: `finding: ${f.title}`,
            style: { left: `${x(s)}px`, width: `${Math.max(3, x(e) - x(s))}px` },
          }),
        );
      }
      for (const s of lane.spans) {
        const node = spanEl(s);
        if (node) track.append(node);
      }
      lane.marks.forEach((m, i) => {
        if (m.t < view[0] || m.t > view[1]) return;
        track.append(
          el('div', {
            class: `mark ${m.type}`,
            'data-lane': lane.i,
            'data-mark': i,
            style: { left: `${x(m.t)}px` },
          }),
        );
      });
      for (const series of lane.series) {
        const svg = sparkline(series);
        if (svg) track.append(svg);
      }
      return track;
    }

    function incidentTrack(i) {
      const track = el('div', { class: 'track' });
      const s = rel(i.start);
      const e = Math.max(rel(i.end), s + (view[1] - view[0]) / 200);
      if (e >= view[0] && s <= view[1]) {
        track.append(
          el('a', {
            class: `span h-bad sev-${i.severity}`,
            href: `#incident-${i.rank}`,
            title: `#${i.rank} ${i.title}: ${fmt(s)} → ${fmt(rel(i.end))}`,
            style: { left: `${x(s)}px`, width: `${Math.max(4, x(e) - x(s))}px` },
          }),
        );
      }
      return track;
    }

    function rowEl(row, index) {
      const top = `${index * ROW}px`;
      const cls = `row ${row.type}${row.level ? ` ${row.level}` : ''}${index === current ? ' current' : ''}`;
      if (row.type === 'incident') {
        const i = row.incident;
        return el(
          'div',
          { class: cls, style: { top }, 'data-row': index },
          el(
            'div',
            { class: 'label', title: i.title },
            el('a', { href: `#incident-${i.rank}` }, `#${i.rank}`),
            ` ${i.title}`,
          ),
          incidentTrack(i),
        );
      }
      if (row.type === 'group') {
        const open = !collapsed.has(row.key);
        return el(
          'div',
          { class: cls, style: { top }, 'data-row': index },
          el(
            'div',
            { class: 'label', title: row.label, onclick: () => toggle(row.key) },
            `${open ? '▾' : '▸'} ${row.label}`,
          ),
          el('div', { class: 'track' }),
        );
      }
      const lane = row.lane;
      const now = stateAt(lane, cursor);
      const label = el(
        'div',
        { class: 'label', title: `${objectLabel(lane)}${lane.owner ? ` (owned by ${lane.owner})` : ''}` },
        `${lane.kind} ${lane.name}`,
        el('span', { class: 'now' }, ` · ${now ? states[now[2]] : '—'}`),
        lane.versions.length > 0
          ? el(
              'button',
              { type: 'button', title: 'Compare its versions', onclick: () => showDiff(lane.i) },
              'diff',
            )
          : null,
      );
      return el(
        'div',
        {
          class: `${cls}${groupOf(lane) ? '' : ' solo'}`,
          style: { top },
          'data-row': index,
          'data-lane': lane.i,
        },
        label,
        trackFor(lane),
      );
    }

    function renderAxis() {
      axis.replaceChildren();
      const span = view[1] - view[0];
      const steps = [1, 5, 10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400].map(
        (s) => s * 1000,
      );
      const step = steps.find((s) => (s / span) * width() >= 90) || steps[steps.length - 1];
      const first = Math.ceil((t0 + view[0]) / step) * step - t0;
      for (let t = first; t <= view[1]; t += step) {
        const text = fmt(t).slice(span > 86400000 ? 5 : 11, step < 60000 ? 20 : 16);
        axis.append(el('div', { class: 'tick', style: { left: `${x(t)}px` } }, text));
      }
    }

    function render() {
      renderAxis();
      const first = printing ? 0 : Math.max(0, Math.floor(scroll.scrollTop / ROW) - 5);
      const last = printing
        ? Math.min(rows.length, 400)
        : Math.min(rows.length, first + Math.ceil(scroll.clientHeight / ROW) + 10);
      const nodes = [];
      for (let i = first; i < last; i++) nodes.push(rowEl(rows[i], i));
      inner.replaceChildren(...nodes);
      if (printing && rows.length > 400)
        inner.append(
          el(
            'p',
            { class: 'note', style: { position: 'absolute', top: `${400 * ROW}px` } },
            `${rows.length - 400} more rows are in the page, not printed.`,
          ),
        );
      const cx = x(cursor);
      cursorLine.hidden = cx < 0 || cx > width();
      cursorLine.style.left = `${LABEL + cx}px`;
      cursorLine.style.top = `${axis.offsetHeight}px`;
    }

    let panelQueued = false;
    function renderPanel() {
      if (panelQueued) return;
      panelQueued = true;
      requestAnimationFrame(() => {
        panelQueued = false;
        const shown = rows.filter((r) => r.type === 'lane').slice(0, 300);
        const body = shown.map(({ lane }) => {
          const s = stateAt(lane, cursor);
          const m = lastMarkBefore(lane, cursor);
          return el(
            'tr',
            { 'data-lane': lane.i },
            el('td', {}, objectLabel(lane)),
            el('td', { class: s ? `h-${s[3]} state` : 'state' }, s ? states[s[2]] : 'not seen'),
            el('td', {}, s ? `since ${fmt(s[0])}` : ''),
            el('td', {}, m ? `${m.label}${m.count > 1 ? ` ×${m.count}` : ''} at ${fmt(m.t)}` : ''),
          );
        });
        const total = rows.filter((r) => r.type === 'lane').length;
        panel.replaceChildren(
          el(
            'p',
            { class: 'note' },
            `At ${fmt(cursor)}${total > shown.length ? ` (first ${shown.length} of ${total} rows)` : ''}:`,
          ),
          el(
            'table',
            { class: 'cursor-table' },
            el(
              'thead',
              {},
              el(
                'tr',
                {},
                ...['object', 'state', 'since', 'last seen before'].map((h) => el('th', { scope: 'col' }, h)),
              ),
            ),
            el('tbody', {}, body),
          ),
        );
      });
    }

    function setView(a, b) {
      const span = Math.max(1000, Math.min(duration * 1.2, b - a));
      let start = a;
      if (b - a !== span) start = (a + b) / 2 - span / 2;
      view = [start, start + span];
      render();
    }
    function zoom(factor, around) {
      const c = Math.min(Math.max(around, view[0]), view[1]);
      setView(c - (c - view[0]) * factor, c + (view[1] - c) * factor);
    }
    function pan(fraction) {
      const d = (view[1] - view[0]) * fraction;
      setView(view[0] + d, view[1] + d);
    }
    function toggle(key) {
      if (collapsed.has(key)) collapsed.delete(key);
      else collapsed.add(key);
      buildRows();
      render();
      renderPanel();
    }
    function setCursor(t, options = {}) {
      cursor = Math.min(Math.max(0, t), duration);
      range.value = String(cursor);
      cursorTime.textContent = fmt(cursor);
      if (options.reveal && (cursor < view[0] || cursor > view[1])) {
        const span = view[1] - view[0];
        setView(cursor - span / 2, cursor + span / 2);
      } else render();
      renderPanel();
      if (!options.fromHash && !options.quiet) history.replaceState(null, '', `#t=${iso(cursor)}`);
    }

    search.addEventListener('input', () => {
      words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
      scroll.scrollTop = 0;
      buildRows();
      render();
      renderPanel();
    });
    range.addEventListener('input', () => setCursor(Number(range.value)));
    scroll.addEventListener('scroll', render);
    window.addEventListener('resize', render);

    const timeAt = (clientX) =>
      view[0] + ((clientX - axis.getBoundingClientRect().left) / width()) * (view[1] - view[0]);
    let drag = null;
    axis.addEventListener('mousedown', (e) => {
      drag = { x: e.clientX, view: [...view], moved: false };
      e.preventDefault();
    });
    window.addEventListener('mousemove', (e) => {
      if (!drag) return;
      const dx = e.clientX - drag.x;
      if (Math.abs(dx) > 3) drag.moved = true;
      const d = (-dx / width()) * (drag.view[1] - drag.view[0]);
      if (drag.moved) setView(drag.view[0] + d, drag.view[1] + d);
    });
    window.addEventListener('mouseup', (e) => {
      if (drag && !drag.moved) setCursor(timeAt(e.clientX));
      drag = null;
    });
    scroll.addEventListener('click', (e) => {
      if (e.target.closest('.label') || e.target.closest('a')) return;
      if (e.clientX - scroll.getBoundingClientRect().left > LABEL) setCursor(timeAt(e.clientX));
    });
    box.addEventListener(
      'wheel',
      (e) => {
        if (e.ctrlKey || e.metaKey || e.altKey) {
          e.preventDefault();
          zoom(e.deltaY > 0 ? 1.25 : 0.8, timeAt(e.clientX));
        } else if (e.shiftKey) {
          e.preventDefault();
          pan((e.deltaY || e.deltaX) > 0 ? 0.1 : -0.1);
        }
      },
      { passive: false },
    );

    box.addEventListener('keydown', (e) => {
      const stepT = ((view[1] - view[0]) / 100) * (e.shiftKey ? 10 : 1);
      const row = rows[current];
      const keys = {
        ArrowDown: () => moveRow(1),
        ArrowUp: () => moveRow(-1),
        PageDown: () => moveRow(10),
        PageUp: () => moveRow(-10),
        ArrowRight: () => setCursor(cursor + stepT),
        ArrowLeft: () => setCursor(cursor - stepT),
        Home: () => setCursor(view[0]),
        End: () => setCursor(view[1]),
        '+': () => zoom(0.5, cursor),
        '=': () => zoom(0.5, cursor),
        '-': () => zoom(2, cursor),
        0: () => setView(0, duration),
        Enter: () => row && row.type === 'group' && toggle(row.key),
        ' ': () => row && row.type === 'group' && toggle(row.key),
        d: () => row && row.type === 'lane' && row.lane.versions.length > 0 && showDiff(row.lane.i),
      };
      const action = keys[e.key];
      if (!action) return;
      e.preventDefault();
      action();
    });
    function moveRow(delta) {
      current = Math.min(Math.max(0, current + delta), rows.length - 1);
      const top = current * ROW;
      if (top < scroll.scrollTop) scroll.scrollTop = top;
      else if (top + ROW > scroll.scrollTop + scroll.clientHeight)
        scroll.scrollTop = top + ROW - scroll.clientHeight;
      render();
    }

    box.addEventListener('mouseover', (e) => {
      const mark = e.target.closest('.mark');
      if (!mark) {
        tooltip.hidden = true;
        return;
      }
      const m = lanes[Number(mark.dataset.lane)].marks[Number(mark.dataset.mark)];
      tooltip.replaceChildren(
        el('strong', {}, `${m.label}${m.count > 1 ? ` ×${m.count}` : ''}`),
        `  ${fmt(m.t)}\n`,
        m.text.join('\n'),
      );
      tooltip.hidden = false;
      const r = mark.getBoundingClientRect();
      tooltip.style.left = `${Math.min(r.left + 8, window.innerWidth - 540)}px`;
      tooltip.style.top = `${r.bottom + 4}px`;
    });
    box.addEventListener('mouseleave', () => {
      tooltip.hidden = true;
    });

    buildRows();
    setCursor(cursor, { quiet: true });

    return {
      setCursor,
      print(on) {
        printing = on;
        render();
      },
    };
  }

  // ---------- the diff view ----------
  function setupDiff(tl) {
    const app = document.getElementById('diff-app');
    const withVersions = tl.lanes.map((l, i) => ({ l, i })).filter(({ l }) => l.versions.length > 0);
    if (withVersions.length === 0) {
      app.append(
        el('p', { class: 'note' }, 'No object changed in this window (or its versions were not recorded).'),
      );
      return;
    }
    const objectSelect = el(
      'select',
      { id: 'diff-object', 'aria-label': 'Object' },
      withVersions.map(({ l, i }) =>
        el('option', { value: i }, `${objectLabel(l)} (${l.versions.length} changes)`),
      ),
    );
    const fromSelect = el('select', { id: 'diff-from', 'aria-label': 'From version' });
    const toSelect = el('select', { id: 'diff-to', 'aria-label': 'To version' });
    const out = el('div', { id: 'diff-result' });
    app.append(
      el(
        'div',
        { class: 'diff-controls' },
        el('label', {}, 'Object ', objectSelect),
        el('label', {}, 'from ', fromSelect),
        el('label', {}, 'to ', toSelect),
      ),
      out,
    );

    const versionName = (v) => `${fmt(v.t)}${v.actor ? ` by ${v.actor}` : ''}`;
    function fillVersions() {
      const lane = tl.lanes[Number(objectSelect.value)];
      fromSelect.replaceChildren(
        el('option', { value: 0 }, 'as first seen'),
        ...lane.versions.map((v, i) => el('option', { value: i + 1 }, `after ${versionName(v)}`)),
      );
      toSelect.replaceChildren(
        ...lane.versions.map((v, i) => el('option', { value: i + 1 }, `after ${versionName(v)}`)),
      );
      fromSelect.value = '0';
      toSelect.value = String(lane.versions.length);
      compare();
    }
    function compare() {
      const lane = tl.lanes[Number(objectSelect.value)];
      const from = Number(fromSelect.value);
      const to = Number(toSelect.value);
      const changed = new Map();
      for (let i = from; i < to; i++) {
        const v = lane.versions[i];
        for (const [path, oldValue, newValue] of v.changes) {
          const seen = changed.get(path);
          if (seen) Object.assign(seen, { newValue, at: v });
          else changed.set(path, { oldValue, newValue, at: v });
        }
      }
      const rowsOut = [...changed]
        .filter(([, c]) => c.oldValue !== c.newValue)
        .map(([path, c]) =>
          el(
            'tr',
            {},
            el('td', { class: 'path' }, path),
            el('td', { class: 'old' }, c.oldValue ?? '(absent)'),
            el('td', { class: 'new' }, c.newValue ?? '(absent)'),
            el('td', {}, fmt(c.at.t)),
            el('td', {}, c.at.actor ? `${c.at.verb || 'write'} by ${c.at.actor}` : 'not in the audit log'),
          ),
        );
      out.replaceChildren(
        to <= from
          ? el('p', { class: 'note' }, 'Choose a later version to compare with.')
          : rowsOut.length === 0
            ? el('p', { class: 'note' }, 'No difference between these versions.')
            : el(
                'table',
                { class: 'diff-table' },
                el(
                  'thead',
                  {},
                  el(
                    'tr',
                    {},
                    ...['field', 'before', 'after', 'changed at', 'who'].map((h) =>
                      el('th', { scope: 'col' }, h),
                    ),
                  ),
                ),
                el('tbody', {}, rowsOut),
              ),
      );
    }
    objectSelect.addEventListener('change', fillVersions);
    fromSelect.addEventListener('change', compare);
    toSelect.addEventListener('change', compare);
    fillVersions();
    showDiff = (laneIndex) => {
      objectSelect.value = String(laneIndex);
      fillVersions();
      document.getElementById('diff').scrollIntoView({ block: 'start' });
      objectSelect.focus();
    };
  }
})();
