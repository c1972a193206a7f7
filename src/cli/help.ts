// Help text as it reads in the source, laid out when shown: the lines of a paragraph (consecutive
// lines at the margin) are joined, so that the help's output wraps each paragraph to the terminal
// (see the output configured in main.ts) instead of keeping the line breaks of the source. Indented
// lines (examples, lists, YAML) stay as they are; a blank line ends a paragraph.

export function helpText(text: string): string {
  const lines: string[] = [];
  let joining = false;
  for (const line of text.split('\n')) {
    const prose = line !== '' && !line.startsWith(' ');
    if (prose && joining) lines[lines.length - 1] += ` ${line}`;
    else lines.push(line);
    joining = prose;
  }
  return lines.join('\n');
}
