/** A case or meeting of an account: what the folds of the projection are keyed by. */
export interface Subject {
  accountId: string;
  subjectId: string;
}

/** The key of a subject in the maps the repositories return (NUL cannot occur in either id). */
export const subjectKey = (accountId: string, subjectId: string): string => `${accountId}\u0000${subjectId}`;

export const groupBy = <T>(rows: T[], key: (row: T) => string): Map<string, T[]> => {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const list = map.get(key(row));
    if (list) list.push(row);
    else map.set(key(row), [row]);
  }
  return map;
};
