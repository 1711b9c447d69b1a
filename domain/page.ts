/** One page of a list: which rows, as every repository's list query takes it. */
export interface Page {
  offset: number;
  limit: number;
}
