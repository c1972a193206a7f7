// The HTML report's script, part 7 of 7: starts the page. Incidents filter, the timeline and the
// diff view, deep links (#incident-2, #t=2026-03-02T09:13:00Z), and every incident open to print.

kstoryPage.main = () => {
  const data = JSON.parse(document.getElementById('kstory-data').textContent);
  const clock = kstoryPage.clock(data);
  const tl = data.timeline;

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

  const showDiff = tl ? kstoryPage.setupDiff(tl, clock) : () => {};
  const timeline = tl ? kstoryPage.setupTimeline(data, tl, clock, showDiff) : null;

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
      const t = clock.rel(at[1]);
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
    timeline?.print(true);
  });
  window.addEventListener('afterprint', () => timeline?.print(false));
};
