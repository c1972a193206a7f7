// Argument parsers shared by the commands' flags.

/** A comma-separated list (`--only a,b --only c` gives a, b, c); empty items are dropped. */
export function commaList(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean),
  ];
}
