// The HTML report's script, part 1 of 7 (assets.ts joins them in one function): building the page
// from the cluster's strings as text only (textContent, attributes), never as markup, and its clock.

/** An element with properties and children; strings become text nodes. */
kstoryPage.el = (tag, props, ...children) => {
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
};

kstoryPage.objectLabel = (o) => `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;

/** Times in the page: milliseconds after the window's start, written as UTC. */
kstoryPage.clock = (data) => {
  const t0 = data.timeline ? data.timeline.t0 : Date.parse(data.window.start);
  const duration = Math.max(1, Date.parse(data.window.end) - t0);
  const rel = (iso) => Date.parse(iso) - t0;
  const iso = (t) => new Date(t0 + t).toISOString().replace(/\.\d+Z$/, 'Z');
  const fmt = (t) => `${iso(t).slice(0, 19).replace('T', ' ')}Z`;
  return { t0, duration, rel, iso, fmt };
};
