// Kubernetes documents as the simulator handles them: plain JSON navigated by field name.

// biome-ignore lint/suspicious/noExplicitAny: API objects are walked by field name, as the API server's unstructured code does.
export type Json = Record<string, any>;
