import pino, { type Logger } from 'pino';
import type { Config } from './config.ts';

export type { Logger };

// What PostgreSQL adds to an error beside its message: the row's values ("Key (phone)=(+39…) already
// exists"), the statement's text and position. Personal data, so never logged; the code, the
// constraint and the table still say what went wrong.
const databaseDetail = ['detail', 'where', 'hint', 'position', 'internalPosition', 'internalQuery', 'parameters'];

/** An error as logged: pino's standard form (type, message, stack, own fields, causes) without database detail. */
export function loggedError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const out = pino.stdSerializers.err(err) as unknown as Record<string, unknown>;
  for (const key of databaseDetail) delete out[key];
  if (err.cause instanceof Error) out.cause = loggedError(err.cause);
  return out;
}

/**
 * JSON logs in production; one readable line per entry otherwise. `npm start` prefixes each
 * process's lines with its name, so the name is not repeated here.
 */
export function createLogger(config: Pick<Config, 'LOG_LEVEL' | 'NODE_ENV'>, name: string): Logger {
  return pino({
    name,
    level: config.LOG_LEVEL,
    // `error` is the key Temporal's worker logs failures under.
    serializers: { err: loggedError, error: loggedError },
    ...(config.NODE_ENV === 'production'
      ? {}
      : {
          transport: {
            target: 'pino-pretty',
            options: {
              colorize: process.stdout.isTTY || Boolean(process.env.FORCE_COLOR),
              ignore: 'pid,hostname,name',
              translateTime: 'HH:MM:ss.l',
              singleLine: true,
            },
          },
        }),
  });
}
