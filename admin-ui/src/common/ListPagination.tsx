import type { LabelDisplayedRowsArgs } from '@mui/material';
import { Pagination, type PaginationProps, useListContext, useLocale, useTranslate } from 'react-admin';
import type { ListMeta } from './listTotal.ts';

/** react-admin's pagination, with a capped total shown as such: "1-25 of more than 1,000". */
export const ListPagination = (props: PaginationProps) => {
  const translate = useTranslate();
  const locale = useLocale();
  const moreThan = (useListContext().meta as ListMeta | undefined)?.totalMoreThan;
  if (moreThan === undefined) return <Pagination {...props} />;
  const label = {
    labelDisplayedRows: ({ from, to }: LabelDisplayedRowsArgs) =>
      translate('app.list.moreThan', { from, to, n: moreThan.toLocaleString(locale) }),
  };
  // Not in react-admin's prop types, but passed on to MUI's TablePagination after its own label.
  return <Pagination {...props} {...(label as object)} />;
};
