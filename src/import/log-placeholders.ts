// What kubectl and the kubelet write in place of a container log they could not fetch: `kubectl
// cluster-info dump` writes the error where the log would be, `kubectl logs > file` saves the error,
// and the kubelet answers with a sentence instead of the log when the file is gone. Such a stream is
// not the container's output: it is recorded as "logs not captured", once, never as log lines.

/** One shape of placeholder; `reason` is what the user is told (the error without kubectl's framing). */
interface Placeholder {
  re: RegExp;
  reason(m: RegExpExecArray): string;
}

const PLACEHOLDERS: readonly Placeholder[] = [
  // kubectl cluster-info dump, when the request cannot be made or fails.
  { re: /^(?:Create log request error|Request log error): (.+)$/, reason: (m) => m[1]! },
  // kubectl logs: `Error from server (BadRequest): container "app" in pod "x" is waiting to start: ...`
  { re: /^Error from server(?: \([A-Za-z]+\))?: (.+)$/, reason: (m) => m[0] },
  // The kubelet, when the runtime cannot find the container or its log file.
  { re: /^unable to retrieve container logs for (\S+).*$/, reason: (m) => m[0] },
  { re: /^failed to try resolving symlinks in path .+$/, reason: (m) => m[0] },
  { re: /^rpc error: code = \w+ desc = .+$/, reason: (m) => m[0] },
];

/** Why the stream holds no log, when `line` is a placeholder; null for a log line. */
export function placeholderReason(line: string): string | null {
  const text = line.trim();
  for (const placeholder of PLACEHOLDERS) {
    const m = placeholder.re.exec(text);
    if (m) return placeholder.reason(m).slice(0, 300);
  }
  return null;
}
