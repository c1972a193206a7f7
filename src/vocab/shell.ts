// Commands a user copies into a POSIX shell: quoting, and the bundles that remediation commands
// name (`kstory describe … -b <bundle>` in the catalogue, filled with the bundles analysed).

/** A word quoted for a POSIX shell when it needs to be. */
export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/** The catalogue's stand-in for the bundles analysed, in commands such as `kstory logs … -b <bundle>`. */
export const BUNDLE_PLACEHOLDER = '<bundle>';

/**
 * `-b <bundle>` becomes one `-b` per bundle the user named, quoted; a bare `<bundle>` (a command
 * that takes bundles as arguments) becomes the quoted bundles. With no bundle named, the text stays.
 */
export function fillBundleArguments(text: string, bundles: readonly string[]): string {
  if (bundles.length === 0 || !text.includes(BUNDLE_PLACEHOLDER)) return text;
  const quoted = bundles.map(shellQuote);
  return text
    .replaceAll(`-b ${BUNDLE_PLACEHOLDER}`, quoted.map((b) => `-b ${b}`).join(' '))
    .replaceAll(BUNDLE_PLACEHOLDER, quoted.join(' '));
}
