// The regular expressions users filter records with (`--pods`, `--log-match`…, Go's `(?i)` accepted)
// and the lines `--logs errors` keeps: one grammar for the recorder and for stories.

/**
 * A JavaScript regular expression, matched anywhere unless anchored. A leading `(?i)`, as Go and
 * Prometheus write it, makes it case-insensitive. Throws SyntaxError when it is not valid.
 */
export function compileRegex(source: string): RegExp {
  if (source.startsWith('(?i)')) return new RegExp(source.slice(4), 'i');
  return new RegExp(source);
}

/** Lines `--logs errors` keeps: error words and the level fields of common structured formats. */
export const ERROR_LINE_RE =
  /\b(?:error|fatal|panic|exception|traceback|critical|failed|failure)\b|\blevel[=:]\s*"?(?:error|fatal|crit(?:ical)?)\b|"(?:level|severity)"\s*:\s*"(?:error|fatal|crit(?:ical)?)"|^[EF]\d{4} /i;
