// How the import tells how far it has got: the command line draws it (report/import-progress.ts).

export interface ImportProgress {
  /** Called for every batch read: cheap work only. */
  update(bytesRead: number, records: number, file: string): void;
  done(): void;
}

/** Told nothing, shows nothing. */
export const NO_PROGRESS: ImportProgress = { update: () => {}, done: () => {} };
