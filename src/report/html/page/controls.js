// The HTML report's script, part 3 of 7: the timeline's controls (filter, cursor, zoom and pan
// buttons), its legend, which says how each state reads without colour, and its keys.

kstoryPage.timelineControls = (duration, cursor, act) => {
  const { el } = kstoryPage;
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
    button('+', 'Zoom in', () => act.zoom(0.5)),
    button('−', 'Zoom out', () => act.zoom(2)),
    button('Fit', 'Show the whole window', act.fit),
    button('◀', 'Pan left', () => act.pan(-0.25)),
    button('▶', 'Pan right', () => act.pan(0.25)),
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
  return { search, range, cursorTime, toolbar, legend, help };
};
