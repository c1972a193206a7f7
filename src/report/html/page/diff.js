// The HTML report's script, part 6 of 7: the changes to an object between two of its versions,
// each with when and by whom (from the audit log), composed from the changes version to version.

kstoryPage.setupDiff = (tl, clock) => {
  const { el, objectLabel } = kstoryPage;
  const { fmt } = clock;
  const app = document.getElementById('diff-app');
  const withVersions = tl.lanes.map((l, i) => ({ l, i })).filter(({ l }) => l.versions.length > 0);
  if (withVersions.length === 0) {
    app.append(
      el('p', { class: 'note' }, 'No object changed in this window (or its versions were not recorded).'),
    );
    return () => {};
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
    // What was written (spec, data, metadata) before what the controllers reported back (status).
    const rowsOut = [...changed]
      .filter(([, c]) => c.oldValue !== c.newValue)
      .sort(([a], [b]) => Number(a.startsWith('status.')) - Number(b.startsWith('status.')))
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
  /** Opens the view on a lane's object. */
  return (laneIndex) => {
    objectSelect.value = String(laneIndex);
    fillVersions();
    document.getElementById('diff').scrollIntoView({ block: 'start' });
    objectSelect.focus();
  };
};
