// The HTML report's script, part 5 of 7: the timeline. Rows (one per incident, then namespaces,
// workloads and lanes, collapsible) drawn only where the reader looks, zoom and pan, a time cursor
// with the state of every object at that instant, tooltips with a mark's excerpts, and its keys.

kstoryPage.setupTimeline = (data, tl, clock, showDiff) => {
  const { el, objectLabel } = kstoryPage;
  const { duration, rel, iso, fmt } = clock;
  const ROW = 28;
  const LABEL = 300;
  const INCIDENT_ROWS = 8;
  const app = document.getElementById('timeline-app');
  const { lanes, bandsByLane, gaps, groupOf, sorted, matches } = kstoryPage.prepareLanes(data, tl, clock);
  const states = tl.states;
  let view = [0, duration];
  let cursor = data.incidents.length > 0 ? Math.max(0, rel(data.incidents[0].start)) : duration;
  let words = [];
  const collapsed = new Set();
  let rows = [];
  let current = 0;
  let printing = false;

  const { search, range, cursorTime, toolbar, legend, help } = kstoryPage.timelineControls(duration, cursor, {
    zoom: (factor) => zoom(factor, cursor),
    fit: () => setView(0, duration),
    pan: (fraction) => pan(fraction),
  });
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
  const draw = kstoryPage.drawing({ states, gaps, bandsByLane, clock, view: () => view, width });
  const { x } = draw;

  function buildRows() {
    // The most important incidents first, one row each, over the lanes.
    const out = data.incidents.slice(0, INCIDENT_ROWS).map((incident) => ({ type: 'incident', incident }));
    let ns = null;
    let group = null;
    for (const lane of sorted) {
      if (!matches(lane, words)) continue;
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
        draw.incidentTrack(i),
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
      draw.trackFor(lane),
    );
  }

  function render() {
    draw.renderAxis(axis);
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
};
