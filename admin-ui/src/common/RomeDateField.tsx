import { Typography } from '@mui/material';
import { type FieldProps, useFieldValue, useLocale } from 'react-admin';
import { formatDateTime } from './time.ts';

/** A date and time field in Europe/Rome, in the console's language. */
export const RomeDateField = (props: FieldProps) => {
  const value = useFieldValue(props) as string | null | undefined;
  return (
    <Typography component="span" variant="body2">
      {formatDateTime(value, useLocale())}
    </Typography>
  );
};
