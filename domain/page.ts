/** One page of a list: which rows, as every repository's list query takes it. */
export interface Page {
  offset: number;
  limit: number;
}

/**
 * Large lists count their rows only this far: an exact `count(*)` of millions of rows costs
 * seconds even with indexes, and nobody pages through more than a thousand.
 */
export const countCap = 1000;
/** A list's total: exact, or — for a large result, counted only up to the cap — more than `moreThan`. */
export type ListTotal = number | { moreThan: number };
