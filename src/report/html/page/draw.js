// The HTML report's script, part 4 of 7: what a timeline row draws at the current zoom: state
// spans labelled when wide enough, findings shaded, gaps hatched, marks, sparklines, the time axis.

kstoryPage.drawing = ({ states, gaps, bandsByLane, clock, view, width }) => {
  const { el } = kstoryPage;
  const { t0, rel, fmt } = clock;
  const SVG = 'http://www.w3.org/2000/svg';
  /** Where an instant falls on a track, in pixels. */
  const x = (t) => ((t - view()[0]) / (view()[1] - view()[0])) * width();

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
    const pts = series.points.filter(([t]) => t >= view()[0] && t <= view()[1]);
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
      if (g.e < view()[0] || g.s > view()[1]) continue;
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
      const e = Math.max(rel(f.last), s + (view()[1] - view()[0]) / 200);
      if (e < view()[0] || s > view()[1]) continue;
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
      if (m.t < view()[0] || m.t > view()[1]) return;
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
    const e = Math.max(rel(i.end), s + (view()[1] - view()[0]) / 200);
    if (e >= view()[0] && s <= view()[1]) {
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

  function renderAxis(axis) {
    axis.replaceChildren();
    const span = view()[1] - view()[0];
    const steps = [1, 5, 10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400].map(
      (s) => s * 1000,
    );
    const step = steps.find((s) => (s / span) * width() >= 90) || steps[steps.length - 1];
    const first = Math.ceil((t0 + view()[0]) / step) * step - t0;
    for (let t = first; t <= view()[1]; t += step) {
      const text = fmt(t).slice(span > 86400000 ? 5 : 11, step < 60000 ? 20 : 16);
      axis.append(el('div', { class: 'tick', style: { left: `${x(t)}px` } }, text));
    }
  }

  return { x, trackFor, incidentTrack, renderAxis };
};
